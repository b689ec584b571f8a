// Clip: y = min(max(x, lo), hi) (framework-free), as the CPU reference
// (src/backends/cpu/clip.cpp): NaN passes through, lo > hi gives hi, float16 computes in float32.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "backends/cuda/kernels/scalar_kind.h"

namespace fovea::cuda::kernels {

// Each bound is one value of x's kind, in host memory (read at launch) or in device memory
// (read by the kernel), or absent (unbounded). A host value wins when both are given.
struct ClipParams {
  const void* lo_host = nullptr;
  const void* lo_device = nullptr;
  const void* hi_host = nullptr;
  const void* hi_device = nullptr;
};

// y = clip(x) over n elements of `kind` (every numeric kind); cudaErrorNotSupported otherwise.
cudaError_t launch_clip(const ClipParams& params, ScalarKind kind, const void* x, void* y, int64_t n,
                        cudaStream_t stream);

}  // namespace fovea::cuda::kernels
