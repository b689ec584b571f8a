// The host-side reduction decomposition used by the CUDA reduction launchers
// (backends/cuda/kernels/reduction_plan.h): framework-free, so it runs without a GPU.
#include "backends/cuda/kernels/reduction_plan.h"

#include <gtest/gtest.h>

#include <vector>

namespace fovea::cuda::kernels {
namespace {

// Reference: for each output, the input offsets the plan visits, in order.
std::vector<std::vector<int64_t>> visits(const ReductionPlan& p) {
  std::vector<std::vector<int64_t>> out;
  for (int64_t o = 0; o < p.out_count; ++o) {
    std::vector<int64_t> row;
    for (int64_t r = 0; r < p.reduce_count; ++r) row.push_back(p.kept.offset(o) + p.reduced.offset(r));
    out.push_back(row);
  }
  return out;
}

TEST(ReductionPlan, LastAxisIsOneContiguousRowPerOutput) {
  ReductionPlan p;
  ASSERT_TRUE(plan_reduction({2, 3, 4}, {false, false, true}, &p));
  EXPECT_TRUE(p.inner_reduced);
  EXPECT_EQ(p.out_count, 6);
  EXPECT_EQ(p.reduce_count, 4);
  EXPECT_EQ(p.kept.rank, 1);  // [2, 3] merged into 6
  EXPECT_EQ(p.reduced.rank, 1);
  EXPECT_EQ(p.reduced.in_strides[0], 1);
  EXPECT_EQ(p.kept.offset(5), 20);
}

TEST(ReductionPlan, GlobalPoolMergesSpatialDims) {
  ReductionPlan p;
  ASSERT_TRUE(plan_reduction({1, 8, 7, 7}, {false, false, true, true}, &p));
  EXPECT_TRUE(p.inner_reduced);
  EXPECT_EQ(p.out_count, 8);
  EXPECT_EQ(p.reduce_count, 49);
  EXPECT_EQ(p.reduced.rank, 1);
  EXPECT_EQ(p.kept.offset(3), 3 * 49);
}

TEST(ReductionPlan, MiddleAxisRunsOneThreadPerOutput) {
  ReductionPlan p;
  ASSERT_TRUE(plan_reduction({2, 3, 4}, {false, true, false}, &p));
  EXPECT_FALSE(p.inner_reduced);
  EXPECT_EQ(p.out_count, 8);
  EXPECT_EQ(p.reduce_count, 3);
  const auto v = visits(p);
  // Output (1, 2) reads x[1, k, 2] = 12 + 4k + 2.
  EXPECT_EQ(v[6], (std::vector<int64_t>{14, 18, 22}));
}

TEST(ReductionPlan, NonAdjacentAxes) {
  ReductionPlan p;
  ASSERT_TRUE(plan_reduction({2, 3, 4}, {true, false, true}, &p));
  EXPECT_TRUE(p.inner_reduced);
  EXPECT_EQ(p.out_count, 3);
  EXPECT_EQ(p.reduce_count, 8);
  const auto v = visits(p);
  // Output j reads x[i, j, k] = 12i + 4j + k in row-major (i, k) order.
  EXPECT_EQ(v[1], (std::vector<int64_t>{4, 5, 6, 7, 16, 17, 18, 19}));
}

TEST(ReductionPlan, SizeOneAxesAreDropped) {
  ReductionPlan p;
  ASSERT_TRUE(plan_reduction({1, 5, 1}, {true, false, true}, &p));
  EXPECT_EQ(p.out_count, 5);
  EXPECT_EQ(p.reduce_count, 1);
  EXPECT_EQ(p.reduced.rank, 0);
  EXPECT_FALSE(p.inner_reduced);
}

TEST(ReductionPlan, ReduceEverything) {
  ReductionPlan p;
  ASSERT_TRUE(plan_reduction({3, 4}, {true, true}, &p));
  EXPECT_EQ(p.out_count, 1);
  EXPECT_EQ(p.reduce_count, 12);
  EXPECT_EQ(p.kept.rank, 0);
  EXPECT_EQ(p.kept.offset(0), 0);
}

TEST(ReductionPlan, EmptyReducedAxisKeepsOutputs) {
  ReductionPlan p;
  ASSERT_TRUE(plan_reduction({4, 0}, {false, true}, &p));
  EXPECT_EQ(p.out_count, 4);
  EXPECT_EQ(p.reduce_count, 0);
}

TEST(ReductionPlan, EmptyKeptAxisMeansNoOutputs) {
  ReductionPlan p;
  ASSERT_TRUE(plan_reduction({0, 3}, {false, true}, &p));
  EXPECT_EQ(p.out_count, 0);
}

TEST(ReductionPlan, AlternatingAxesBeyondMaxRankAreRefused) {
  std::vector<int64_t> dims(18, 2);
  std::vector<bool> reduced(18);
  for (size_t i = 0; i < reduced.size(); ++i) reduced[i] = i % 2 == 0;
  ReductionPlan p;
  EXPECT_FALSE(plan_reduction(dims, reduced, &p));
}

}  // namespace
}  // namespace fovea::cuda::kernels
