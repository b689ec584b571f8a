// The reductions / nn family is registered in the GPU kernel table (no GPU needed to check).
#ifdef FOVEA_HAVE_CUDA

#include <gtest/gtest.h>

#include <string>

#include "backends/cuda/gpu_kernel.h"

namespace fovea::cuda {
namespace {

TEST(GpuReductionNnTable, EveryOpHasAKernel) {
  const char* ops[] = {"ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
                       "ReduceSumSquare", "ReduceLogSum", "ReduceLogSumExp", "ArgMax", "ArgMin", "Softmax",
                       "LogSoftmax", "Hardmax", "TopK", "BatchNormalization", "InstanceNormalization",
                       "LayerNormalization", "LRN", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool",
                       "NonZero", "NonMaxSuppression", "Compress", "Einsum", "GridSample", "RoiAlign", "MaxUnpool"};
  for (const char* op : ops) {
    const GpuKernelEntry* e = find_gpu_kernel("", op);
    ASSERT_NE(e, nullptr) << op;
    EXPECT_NE(e->run, nullptr) << op;
    EXPECT_EQ(find_gpu_kernel("ai.onnx", op), e) << op;
  }
}

TEST(GpuReductionNnTable, OnlySelectionsAreDataDependent) {
  for (const char* op : {"NonZero", "NonMaxSuppression", "Compress"}) {
    const GpuKernelEntry* e = find_gpu_kernel("", op);
    ASSERT_NE(e, nullptr) << op;
    EXPECT_TRUE(e->data_dependent) << op;
  }
  for (const char* op : {"ReduceSum", "Softmax", "TopK", "MaxPool", "LayerNormalization", "Einsum", "MaxUnpool"}) {
    const GpuKernelEntry* e = find_gpu_kernel("", op);
    ASSERT_NE(e, nullptr) << op;
    EXPECT_FALSE(e->data_dependent) << op;
  }
}

TEST(GpuReductionNnTable, NoOpIsRegisteredTwice) {
  int count = 0;
  for (const auto& e : gpu_kernel_table())
    if (e.domain.empty() && e.op_type == "ReduceMean") ++count;
  EXPECT_EQ(count, 1);
}

}  // namespace
}  // namespace fovea::cuda

#endif  // FOVEA_HAVE_CUDA
