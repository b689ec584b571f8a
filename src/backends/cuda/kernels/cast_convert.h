// Cast between the launchers' kinds (framework-free), with the CPU reference's semantics
// (src/backends/cpu/cast.cpp): float -> integer truncates toward zero and saturates (NaN -> 0),
// anything -> bool is != 0, integer -> integer wraps, float16 converts through float32 with
// round-to-nearest-even.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "backends/cuda/kernels/scalar_kind.h"

namespace fovea::cuda::kernels {

// y = cast(x) over n elements; equal kinds copy. Never fails for a pair of kinds.
cudaError_t launch_cast(ScalarKind from, const void* x, ScalarKind to, void* y, int64_t n, cudaStream_t stream);

}  // namespace fovea::cuda::kernels
