// Launchers of Softmax, LogSoftmax and Hardmax over the middle axis of x viewed as
// [outer, n, inner] (framework-free, DESIGN.md rule 3). kF32 and kF16; math in float.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "backends/cuda/kernels/scalar_kind.h"

namespace fovea::cuda::kernels {

enum class SoftmaxMode { kSoftmax, kLogSoftmax, kHardmax };

struct SoftmaxParams {
  SoftmaxMode mode = SoftmaxMode::kSoftmax;
  ScalarKind kind = ScalarKind::kF32;
  int64_t outer = 1, n = 1, inner = 1;
};

bool softmax_supports(ScalarKind kind);
// Writes every element of y (Hardmax included: zeros and one 1 per slice).
cudaError_t launch_softmax(const SoftmaxParams& p, const void* x, void* y, cudaStream_t stream);

}  // namespace fovea::cuda::kernels
