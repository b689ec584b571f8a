#include "backends/cuda/kernels/bias_activation.h"

#include "backends/cuda/kernels/device_common.cuh"

namespace fovea::cuda::kernels {
namespace {

template <typename T>
__global__ void bias_activation_kernel(BiasActivationParams p, T* y, const T* bias, const T* residual) {
  const int64_t n = p.outer * p.channels * p.inner;
  FOVEA_GRID_STRIDE_LOOP(i, n) {
    float v = load_float(y, i);
    if (bias) {
      const int64_t in = i % p.inner;
      const int64_t c = (i / p.inner) % p.channels;
      const int64_t o = i / (p.inner * p.channels);
      v += p.bias_scale *
           load_float(bias, o * p.bias_outer_stride + c * p.bias_channel_stride + in * p.bias_inner_stride);
    }
    if (residual && !p.residual_after_activation) v += load_float(residual, i);
    v = apply_activation(p.activation, v);
    if (residual && p.residual_after_activation) v += load_float(residual, i);
    store_float(y, i, v);
  }
}

template <typename T>
cudaError_t launch(const BiasActivationParams& p, void* y, const void* bias, const void* residual,
                   cudaStream_t stream) {
  const int64_t n = p.outer * p.channels * p.inner;
  if (n <= 0) return cudaSuccess;
  bias_activation_kernel<T><<<blocks_for(n), kThreadsPerBlock, 0, stream>>>(
      p, static_cast<T*>(y), static_cast<const T*>(bias), static_cast<const T*>(residual));
  return cudaGetLastError();
}

}  // namespace

cudaError_t launch_bias_activation(ScalarKind kind, const BiasActivationParams& p, void* y, const void* bias,
                                   const void* residual, cudaStream_t stream) {
  switch (kind) {
    case ScalarKind::kF32: return launch<float>(p, y, bias, residual, stream);
    case ScalarKind::kF16: return launch<__half>(p, y, bias, residual, stream);
    default: return cudaErrorInvalidValue;
  }
}

}  // namespace fovea::cuda::kernels
