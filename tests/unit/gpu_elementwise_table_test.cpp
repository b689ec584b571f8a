// The elementwise family's GPU kernel table lists every op it owns (checked without a GPU).
#ifdef FOVEA_HAVE_CUDA

#include <gtest/gtest.h>

#include <string_view>

#include "backends/cuda/gpu_kernel.h"
#include "backends/cuda/gpu_kernel_families.h"

namespace fovea::cuda {
namespace {

constexpr std::string_view kElementwiseOps[] = {
    "Relu", "LeakyRelu", "PRelu", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish", "Softplus", "Softsign", "Elu",
    "Selu", "Celu", "ThresholdedRelu", "Shrink", "Mish", "Erf", "Clip", "Add", "Sub", "Mul", "Div", "Pow", "Mod",
    "BitShift", "Sqrt", "Exp", "Log", "Abs", "Neg", "Reciprocal", "Floor", "Ceil", "Round", "Sign", "Sin", "Cos",
    "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "IsNaN", "IsInf", "Min", "Max", "Sum",
    "Mean", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Not", "And", "Or", "Xor", "Where", "Cast",
    "CastLike"};

TEST(GpuElementwiseTable, EveryOnnxElementwiseOpHasAKernel) {
  for (std::string_view op : kElementwiseOps) {
    const GpuKernelEntry* e = find_gpu_kernel("", op);
    ASSERT_NE(e, nullptr) << op;
    EXPECT_NE(e->run, nullptr) << op;
    EXPECT_FALSE(e->data_dependent) << op;
    EXPECT_EQ(e->tactics, nullptr) << op;
  }
}

TEST(GpuElementwiseTable, OnnxDomainAliasFindsTheSameKernels) {
  EXPECT_EQ(find_gpu_kernel("ai.onnx", "Add"), find_gpu_kernel("", "Add"));
}

TEST(GpuElementwiseTable, FusedElementwiseIsInTheFoveaDomain) {
  const GpuKernelEntry* e = find_gpu_kernel("fovea", "FusedElementwise");
  ASSERT_NE(e, nullptr);
  EXPECT_NE(e->run, nullptr);
  EXPECT_EQ(find_gpu_kernel("", "FusedElementwise"), nullptr);
}

TEST(GpuElementwiseTable, FamilyListsEachOpOnce) {
  const std::vector<GpuKernelEntry> entries = elementwise_gpu_kernels();
  for (size_t i = 0; i < entries.size(); ++i)
    for (size_t j = i + 1; j < entries.size(); ++j)
      EXPECT_FALSE(entries[i].domain == entries[j].domain && entries[i].op_type == entries[j].op_type)
          << entries[i].op_type;
  EXPECT_EQ(entries.size(), std::size(kElementwiseOps) + 1);
}

}  // namespace
}  // namespace fovea::cuda

#endif  // FOVEA_HAVE_CUDA
