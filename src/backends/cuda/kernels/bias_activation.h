// Epilogue for conv/gemm outputs the library call could not fuse: bias (or Gemm's beta * C),
// residual and activation, applied in place. Framework-free launcher (DESIGN.md rule 3).
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "backends/cuda/kernels/activation_math.h"
#include "backends/cuda/kernels/scalar_kind.h"

namespace fovea::cuda::kernels {

// y is viewed as [outer, channels, inner] (conv: [N, C, spatial]; gemm: [M, N, 1]). Element
// (o, c, i) becomes
//   v = y + bias_scale * bias[o * bias_outer_stride + c * bias_channel_stride + i * bias_inner_stride]
//   v = act(v + z)        (residual before the activation), or
//   v = act(v) + z        (residual_after_activation)
// where bias and the residual z (y's exact shape) are optional (null).
struct BiasActivationParams {
  int64_t outer = 1;
  int64_t channels = 1;
  int64_t inner = 1;
  int64_t bias_outer_stride = 0;
  int64_t bias_channel_stride = 1;
  int64_t bias_inner_stride = 0;
  float bias_scale = 1.0f;
  ActivationParams activation;
  bool residual_after_activation = false;
};

// kind: kF32 or kF16 (y, bias and residual share it); other kinds give cudaErrorInvalidValue.
cudaError_t launch_bias_activation(ScalarKind kind, const BiasActivationParams& p, void* y, const void* bias,
                                   const void* residual, cudaStream_t stream);

}  // namespace fovea::cuda::kernels
