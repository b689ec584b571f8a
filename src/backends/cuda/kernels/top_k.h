// Launcher of TopK over the middle axis of x viewed as [outer, n, inner] (framework-free,
// DESIGN.md rule 3). Each of the outer * inner slices is sorted with a stable segmented radix
// sort, so ties keep the lower index first and the result is always sorted (as the CPU
// reference); NaN orders above every number.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

#include "backends/cuda/kernels/scalar_kind.h"

namespace fovea::cuda::kernels {

struct TopKParams {
  ScalarKind kind = ScalarKind::kF32;  // kF32, kF16, kI32, kI64
  int64_t outer = 1, n = 1, inner = 1, k = 0;
  bool largest = true;
};

bool top_k_supports(ScalarKind kind);
// Scratch bytes launch_top_k needs; an error when the sizes exceed the sort's int range.
cudaError_t top_k_workspace_bytes(const TopKParams& p, size_t* bytes);
// values ([outer, k, inner] of kind) and indices (int64, same dims) may each be null.
cudaError_t launch_top_k(const TopKParams& p, const void* x, void* values, int64_t* indices, void* workspace,
                         size_t workspace_bytes, cudaStream_t stream);

}  // namespace fovea::cuda::kernels
