// Regression tests for inputs the importer fuzzer (fuzz/onnx_import_fuzzer.cpp) found: each one
// used to crash, hang or trip a sanitizer, and must now give a clean error or a correct result.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <chrono>
#include <vector>

#include "backends/cpu/cpu_executor.h"
#include "ir/graph.h"
#include "ir/onnx/tensor_proto.h"
#include "single_op.h"

namespace fovea {
namespace {

using testing::run1;
using testing::run_op;

// A huge kernel with SAME padding is legal; the pooling kernels used to loop over every tap of
// the 10^6-wide window for each output (a fuzzer timeout). Only taps inside the input count.
TEST(FuzzRegressionTest, PoolWithHugeSameKernelIsFast) {
  // 16x16 input, 2^20-wide windows: every window covers the whole input. The old loops took
  // ~10^10 steps here.
  std::vector<float> big(256);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<float>(i);
  const Tensor xb = Tensor::from_vector(big, {1, 1, 16, 16});
  const std::vector<Attribute> huge = {{"kernel_shape", Dims{1 << 20, 1 << 20}}, {"auto_pad", std::string("SAME_UPPER")}};
  const auto start = std::chrono::steady_clock::now();
  const Tensor avg_big = run1("AveragePool", {&xb}, huge);
  const Tensor max_big = run1("MaxPool", {&xb}, huge);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  ASSERT_EQ(avg_big.dims(), (Dims{1, 1, 16, 16}));
  for (int64_t i = 0; i < 256; ++i) {
    EXPECT_FLOAT_EQ(avg_big.data<float>()[i], 127.5f);
    EXPECT_FLOAT_EQ(max_big.data<float>()[i], 255.0f);
  }

  const Tensor x = Tensor::from_vector(std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 1, 3, 3});
  const std::vector<Attribute> attrs = {{"kernel_shape", Dims{3, 1000000}}, {"auto_pad", std::string("SAME_LOWER")}};
  const Tensor avg = run1("AveragePool", {&x}, attrs);
  const Tensor max = run1("MaxPool", {&x}, attrs);
  ASSERT_EQ(avg.dims(), (Dims{1, 1, 3, 3}));
  ASSERT_EQ(max.dims(), (Dims{1, 1, 3, 3}));
  // SAME_LOWER puts the larger half of the padding first: output (1, 1) sees rows 0..2 (kernel 3,
  // pads 1 + 1) and every column (the window covers the whole row).
  EXPECT_FLOAT_EQ(avg.data<float>()[4], 5.0f);
  EXPECT_FLOAT_EQ(max.data<float>()[4], 9.0f);
  // Output (0, 0): rows -1..1, i.e. rows 0 and 1.
  EXPECT_FLOAT_EQ(avg.data<float>()[0], 3.5f);
  EXPECT_FLOAT_EQ(max.data<float>()[0], 6.0f);
}

// An empty reduced axis: the kernel sized axes with max(1, dim), so "ij->i" on a (3, 0) input
// summed one phantom column past the end of the (empty) input buffer (ASan heap overflow).
TEST(FuzzRegressionTest, EinsumOverEmptyAxisSumsToZero) {
  const Tensor x = Tensor::from_vector(std::vector<float>{}, {3, 0});
  const Tensor y = run1("Einsum", {&x}, {{"equation", std::string("ij->i")}});
  ASSERT_EQ(y.dims(), (Dims{3}));
  for (int64_t i = 0; i < 3; ++i) EXPECT_EQ(y.data<float>()[i], 0.0f);
  // A 1 broadcasts against 0 under an ellipsis: the output is empty.
  const Tensor a = Tensor::from_vector(std::vector<float>{1, 2}, {1, 2});
  const Tensor b = Tensor::from_vector(std::vector<float>{}, {0, 2});
  const Tensor z = run1("Einsum", {&a, &b}, {{"equation", std::string("...j,...j->...")}});
  EXPECT_EQ(z.dims(), (Dims{0}));
}

// Bool raw_data bytes other than 0/1 (0x41, 0xff) became invalid `bool` values that the And /
// Where kernels loaded (UBSan: invalid value for type 'bool'). The importer normalizes them.
TEST(FuzzRegressionTest, BoolRawDataIsNormalized) {
  onnx::TensorProto p;
  p.set_name("mask");
  p.set_data_type(onnx::TensorProto::BOOL);
  p.add_dims(3);
  p.set_raw_data(std::string("\x41\x00\xff", 3));
  auto t = onnx_import::tensor_from_proto(p, "");
  ASSERT_TRUE(t.is_ok()) << t.status().to_string();
  const auto* bytes = static_cast<const uint8_t*>(t->raw_data());
  EXPECT_EQ(bytes[0], 1);
  EXPECT_EQ(bytes[1], 0);
  EXPECT_EQ(bytes[2], 1);
  const Tensor y = run1("And", {&*t, &*t});
  ASSERT_EQ(y.numel(), 3);
  EXPECT_TRUE(y.data<bool>()[0]);
  EXPECT_FALSE(y.data<bool>()[1]);
  EXPECT_TRUE(y.data<bool>()[2]);
}

}  // namespace
}  // namespace fovea
