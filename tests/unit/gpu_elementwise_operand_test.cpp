// Host-side broadcast planning of the elementwise CUDA launchers (kernels/elementwise_operand.h):
// each operand's access mode, and its offsets checked against a plain broadcast walk.
#include <gtest/gtest.h>

#include <vector>

#include "backends/cuda/kernels/elementwise_operand.h"

namespace fovea::cuda::kernels {
namespace {

// The element of `in_dims` that output element `linear` reads under ONNX broadcasting.
int64_t reference_offset(const std::vector<int64_t>& out_dims, const std::vector<int64_t>& in_dims, int64_t linear) {
  const size_t rank = out_dims.size(), lead = rank - in_dims.size();
  std::vector<int64_t> idx(rank);
  for (size_t d = rank; d-- > 0;) {
    idx[d] = linear % out_dims[d];
    linear /= out_dims[d];
  }
  int64_t off = 0;
  for (size_t d = 0; d < in_dims.size(); ++d) off = off * in_dims[d] + (in_dims[d] == 1 ? 0 : idx[lead + d]);
  return off;
}

OperandAccess plan(const std::vector<int64_t>& out, const std::vector<int64_t>& in) {
  OperandAccess a;
  EXPECT_TRUE(plan_operand_access(out, in, &a));
  return a;
}

void expect_offsets_match(const std::vector<int64_t>& out, const std::vector<int64_t>& in) {
  const OperandAccess a = plan(out, in);
  const int64_t n = elementwise_numel(out);
  for (int64_t i = 0; i < n; ++i) ASSERT_EQ(a.offset(i), reference_offset(out, in, i)) << "element " << i;
}

TEST(GpuElementwiseOperand, SameShapeIsFull) {
  EXPECT_EQ(plan({2, 3, 4}, {2, 3, 4}).mode, OperandMode::kFull);
  EXPECT_EQ(plan({1, 3, 4}, {3, 4}).mode, OperandMode::kFull);  // leading 1s change nothing
}

TEST(GpuElementwiseOperand, OneElementIsScalar) {
  EXPECT_EQ(plan({2, 3, 4}, {}).mode, OperandMode::kScalar);
  EXPECT_EQ(plan({2, 3, 4}, {1, 1}).mode, OperandMode::kScalar);
}

TEST(GpuElementwiseOperand, BiasLikeOperandsAreChannels) {
  OperandAccess a = plan({2, 8, 5, 5}, {1, 8, 1, 1});
  EXPECT_EQ(a.mode, OperandMode::kChannel);
  EXPECT_EQ(a.inner, 25);
  EXPECT_EQ(a.channels, 8);
  a = plan({2, 8, 5, 5}, {8, 1, 1});
  EXPECT_EQ(a.mode, OperandMode::kChannel);
  EXPECT_EQ(a.inner, 25);
  a = plan({2, 8, 5, 5}, {5});  // a row: inner 1
  EXPECT_EQ(a.mode, OperandMode::kChannel);
  EXPECT_EQ(a.inner, 1);
  EXPECT_EQ(a.channels, 5);
  a = plan({2, 8, 5, 5}, {2, 8, 1, 1});  // batch x channel block
  EXPECT_EQ(a.mode, OperandMode::kChannel);
  EXPECT_EQ(a.channels, 16);
  a = plan({2, 1, 8, 5}, {2, 1, 8, 1});  // a size-1 output dim inside the block is skipped
  EXPECT_EQ(a.mode, OperandMode::kChannel);
  EXPECT_EQ(a.inner, 5);
}

TEST(GpuElementwiseOperand, GapsNeedStrides) {
  EXPECT_EQ(plan({2, 8, 5, 5}, {2, 1, 5, 1}).mode, OperandMode::kStrided);
  EXPECT_EQ(plan({4, 3}, {4, 1}).mode, OperandMode::kChannel);
  EXPECT_EQ(plan({4, 3, 2}, {4, 1, 2}).mode, OperandMode::kStrided);
}

TEST(GpuElementwiseOperand, OffsetsMatchBroadcasting) {
  expect_offsets_match({2, 3, 4}, {2, 3, 4});
  expect_offsets_match({2, 3, 4}, {1});
  expect_offsets_match({2, 8, 5, 5}, {1, 8, 1, 1});
  expect_offsets_match({2, 8, 5, 5}, {8, 1, 1});
  expect_offsets_match({2, 8, 5, 5}, {5});
  expect_offsets_match({2, 8, 5, 5}, {2, 8, 1, 1});
  expect_offsets_match({2, 8, 5, 5}, {2, 1, 5, 1});
  expect_offsets_match({4, 3, 2}, {4, 1, 2});
  expect_offsets_match({3, 1, 4}, {3, 1, 1});
  expect_offsets_match({2, 3, 1, 4, 5}, {1, 3, 1, 4, 1});
}

TEST(GpuElementwiseOperand, ChannelOffsetsPastThirtyTwoBits) {
  OperandAccess a;
  ASSERT_TRUE(plan_operand_access({3, int64_t{1} << 31}, {3, 1}, &a));
  ASSERT_EQ(a.mode, OperandMode::kChannel);
  EXPECT_EQ(a.offset((int64_t{1} << 31) - 1), 0);
  EXPECT_EQ(a.offset(int64_t{1} << 31), 1);
  EXPECT_EQ(a.offset((int64_t{2} << 31) + 5), 2);
}

TEST(GpuElementwiseOperand, RankPastTheLimitFailsOnlyWhenStridesAreNeeded) {
  const std::vector<int64_t> out(kMaxRank + 1, 2);
  OperandAccess a;
  EXPECT_TRUE(plan_operand_access(out, out, &a));
  EXPECT_TRUE(plan_operand_access(out, {1}, &a));
  std::vector<int64_t> gappy(kMaxRank + 1, 2);
  gappy[1] = 1;
  EXPECT_FALSE(plan_operand_access(out, gappy, &a));
}

}  // namespace
}  // namespace fovea::cuda::kernels
