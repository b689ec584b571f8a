// Launchers of the Reduce* family and ArgMax/ArgMin (framework-free, DESIGN.md rule 3).
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "backends/cuda/kernels/reduction_plan.h"
#include "backends/cuda/kernels/scalar_kind.h"

namespace fovea::cuda::kernels {

enum class ReduceOp { kMean, kSum, kMax, kMin, kProd, kL1, kL2, kSumSquare, kLogSum, kLogSumExp };

// Floats (kF32, kF16) accumulate in float (LogSumExp in double, so exp() of large inputs stays
// finite as in the CPU reference); integers (kI32, kI64) in int64. Max/Min propagate NaN.
struct ReduceParams {
  ReduceOp op = ReduceOp::kSum;
  ScalarKind kind = ScalarKind::kF32;
  ReductionPlan plan;
};

bool reduce_supports(ScalarKind kind);
// y has plan.out_count elements of `kind`.
cudaError_t launch_reduce(const ReduceParams& p, const void* x, void* y, cudaStream_t stream);

// ArgMax / ArgMin over the middle axis of x viewed as [outer, n, inner]; y is int64 [outer, inner].
// Ties pick the first index (the last with select_last); NaN is never picked unless it is at
// index 0 (as the CPU reference's sequential scan behaves).
struct ArgReduceParams {
  bool is_max = true;
  bool select_last = false;
  ScalarKind kind = ScalarKind::kF32;
  int64_t outer = 1, n = 1, inner = 1;
};

bool arg_reduce_supports(ScalarKind kind);
cudaError_t launch_arg_reduce(const ArgReduceParams& p, const void* x, int64_t* y, cudaStream_t stream);

}  // namespace fovea::cuda::kernels
