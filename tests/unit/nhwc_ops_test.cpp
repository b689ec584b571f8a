// The NHWC ops the layout pass makes: fovea.FusedConv with layout "NHWC" and fovea.MaxPool.
// Their CPU kernels must equal the NCHW kernels on transposed data (they are the reference the
// GPU NHWC kernels are tested against), and their shape functions reject malformed nodes.
#include <gtest/gtest.h>

#include "backends/cpu/cpu_executor.h"
#include "backends/cpu/nhwc_layout.h"
#include "passes_test_graph.h"

namespace fovea {
namespace {

using cpu::kNchwToNhwcPerm;
using cpu::kNhwcToNchwPerm;

Result<std::vector<Tensor>> run_fovea_op(const std::string& op, const std::string& domain,
                                         const std::vector<const Tensor*>& inputs, std::vector<Attribute> attrs) {
  Graph graph;
  Node* node = graph.add_node("n", op);
  node->domain = domain;
  for (size_t i = 0; i < inputs.size(); ++i)
    node->inputs.push_back(inputs[i] ? *graph.add_value("in" + std::to_string(i)) : nullptr);
  node->outputs.push_back(*graph.add_value("out"));
  node->attributes = std::move(attrs);
  return cpu::run_node(*node, 17, inputs);
}

Tensor permuted(const Tensor& t, const std::vector<int64_t>& perm) {
  auto r = cpu::permuted_copy(t, perm);
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return r.is_ok() ? *r : Tensor();
}

Tensor to_half(const Tensor& t) {
  std::vector<Half> h;
  for (float f : t.values<float>()) h.push_back(float_to_half(f));
  return Tensor::from_vector<Half>(h, t.dims());
}

void expect_same_bytes(const Tensor& a, const Tensor& b) {
  ASSERT_EQ(a.dims(), b.dims());
  ASSERT_EQ(a.dtype(), b.dtype());
  EXPECT_TRUE(std::equal(a.bytes().begin(), a.bytes().end(), b.bytes().begin()));
}

std::vector<Attribute> conv_attrs(const std::string& layout) {
  return {{"group", int64_t{2}},         {"strides", std::vector<int64_t>{2, 1}},
          {"pads", std::vector<int64_t>{1, 0, 1, 2}}, {"dilations", std::vector<int64_t>{1, 2}},
          {"activation", std::string("LeakyRelu")}, {"activation_alpha", 0.1f},
          {"residual_after_activation", int64_t{1}},  {"layout", layout}};
}

// Grouped, strided, dilated, padded conv with bias, residual and activation: NHWC = NCHW transposed.
void check_fused_conv_nhwc(bool half) {
  Tensor x = testing::random_tensor({2, 4, 7, 6}, 1);
  Tensor w = testing::random_tensor({6, 2, 3, 2}, 2);
  Tensor b = testing::random_tensor({6}, 3);
  Tensor z = testing::random_tensor({2, 6, 4, 6}, 4);
  if (half) x = to_half(x), w = to_half(w), b = to_half(b), z = to_half(z);
  auto nchw = run_fovea_op("FusedConv", "fovea", {&x, &w, &b, &z}, conv_attrs("NCHW"));
  ASSERT_TRUE(nchw.is_ok()) << nchw.status().to_string();
  const Tensor xh = permuted(x, kNchwToNhwcPerm), wh = permuted(w, kNchwToNhwcPerm), zh = permuted(z, kNchwToNhwcPerm);
  auto nhwc = run_fovea_op("FusedConv", "fovea", {&xh, &wh, &b, &zh}, conv_attrs("NHWC"));
  ASSERT_TRUE(nhwc.is_ok()) << nhwc.status().to_string();
  EXPECT_EQ((*nhwc)[0].dims(), (Dims{2, 4, 6, 6}));
  expect_same_bytes(permuted((*nhwc)[0], kNhwcToNchwPerm), (*nchw)[0]);
}

TEST(NhwcOpsTest, FusedConvNhwcEqualsNchwFloat32) { check_fused_conv_nhwc(false); }
TEST(NhwcOpsTest, FusedConvNhwcEqualsNchwFloat16) { check_fused_conv_nhwc(true); }

void expect_error(const std::string& op, const std::vector<const Tensor*>& inputs, std::vector<Attribute> attrs,
                  const std::string& text) {
  auto r = run_fovea_op(op, "fovea", inputs, std::move(attrs));
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find(text), std::string::npos) << r.status().to_string();
  EXPECT_NE(r.status().message().find("node 'n'"), std::string::npos) << r.status().to_string();
}

TEST(NhwcOpsTest, FusedConvLayoutErrors) {
  const Tensor x4 = testing::random_tensor({1, 5, 5, 4}, 1);
  const Tensor x3 = testing::random_tensor({1, 5, 4}, 1);
  const Tensor w_ok = testing::random_tensor({2, 3, 3, 4}, 2);
  const Tensor w_bad = testing::random_tensor({2, 3, 3, 3}, 2);  // C/group 3, X has 4 channels
  const Tensor z_bad = testing::random_tensor({1, 2, 3, 3}, 3);  // NCHW-shaped residual
  const std::vector<Attribute> nhwc = {{"layout", std::string("NHWC")}};
  expect_error("FusedConv", {&x3, &w_ok}, nhwc, "layout NHWC needs a 4-D X");
  expect_error("FusedConv", {&x4, &w_bad}, nhwc, "W has 3 input channels per group");
  expect_error("FusedConv", {&x4, &w_ok, nullptr, &z_bad}, nhwc, "residual Z");
  expect_error("FusedConv", {&x4, &w_ok}, {{"layout", std::string("NCWH")}}, "layout must be");
  auto ok = run_fovea_op("FusedConv", "fovea", {&x4, &w_ok}, nhwc);
  ASSERT_TRUE(ok.is_ok()) << ok.status().to_string();
  EXPECT_EQ((*ok)[0].dims(), (Dims{1, 3, 3, 2}));
}

std::vector<Attribute> pool_attrs(bool nhwc) {
  std::vector<Attribute> a = {{"kernel_shape", std::vector<int64_t>{3, 2}}, {"strides", std::vector<int64_t>{2, 2}},
                              {"pads", std::vector<int64_t>{1, 0, 1, 1}},     {"dilations", std::vector<int64_t>{1, 2}},
                              {"ceil_mode", int64_t{1}}};
  if (nhwc) a.push_back({"layout", std::string("NHWC")});
  return a;
}

void check_max_pool_nhwc(bool half) {
  Tensor x = testing::random_tensor({2, 3, 9, 8}, 5);
  if (half) x = to_half(x);
  auto nchw = run_fovea_op("MaxPool", "", {&x}, pool_attrs(false));
  ASSERT_TRUE(nchw.is_ok()) << nchw.status().to_string();
  const Tensor xh = permuted(x, kNchwToNhwcPerm);
  auto nhwc = run_fovea_op("MaxPool", "fovea", {&xh}, pool_attrs(true));
  ASSERT_TRUE(nhwc.is_ok()) << nhwc.status().to_string();
  EXPECT_EQ((*nhwc)[0].dims(), (Dims{2, 5, 4, 3}));
  expect_same_bytes(permuted((*nhwc)[0], kNhwcToNchwPerm), (*nchw)[0]);
}

TEST(NhwcOpsTest, MaxPoolNhwcEqualsNchwFloat32) { check_max_pool_nhwc(false); }
TEST(NhwcOpsTest, MaxPoolNhwcEqualsNchwFloat16) { check_max_pool_nhwc(true); }

TEST(NhwcOpsTest, MaxPoolErrors) {
  const Tensor x = testing::random_tensor({1, 4, 4, 2}, 1);
  const Tensor x5 = testing::random_tensor({1, 2, 4, 4, 2}, 1);
  const Attribute k = {"kernel_shape", std::vector<int64_t>{2, 2}};
  expect_error("MaxPool", {&x}, {k}, "layout must be \"NHWC\"");
  expect_error("MaxPool", {&x}, {k, {"layout", std::string("NCHW")}}, "layout must be \"NHWC\"");
  expect_error("MaxPool", {&x}, {k, {"layout", std::string("NHWC")}, {"storage_order", int64_t{0}}}, "storage_order");
  expect_error("MaxPool", {&x5}, {k, {"layout", std::string("NHWC")}}, "4-D");
  expect_error("MaxPool", {&x}, {{"kernel_shape", std::vector<int64_t>{2}}, {"layout", std::string("NHWC")}}, "kernel_shape");
}

}  // namespace
}  // namespace fovea
