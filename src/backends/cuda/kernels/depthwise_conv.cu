#include "backends/cuda/kernels/depthwise_conv.h"

#include "backends/cuda/kernels/device_common.cuh"

namespace fovea::cuda::kernels {
namespace {

// One thread per output element. KH/KW > 0 fix the kernel size at compile time (3x3 and 5x5 are
// the MobileNet/YOLO cases) so the window loops unroll; 0 means read it from the params.
template <typename T, int KH, int KW>
__global__ void depthwise_conv_kernel(DepthwiseConvParams p, const T* __restrict__ x, const T* __restrict__ w,
                                      const T* __restrict__ bias, const T* __restrict__ residual, T* __restrict__ y) {
  const int kh = KH > 0 ? KH : p.kernel_h;
  const int kw = KW > 0 ? KW : p.kernel_w;
  const int64_t out_plane = static_cast<int64_t>(p.out_h) * p.out_w;
  const int64_t in_plane = static_cast<int64_t>(p.in_h) * p.in_w;
  const int64_t total = p.batch * p.out_channels * out_plane;
  const int64_t multiplier = p.out_channels / p.in_channels;
  FOVEA_GRID_STRIDE_LOOP(i, total) {
    const int ox = static_cast<int>(i % p.out_w);
    const int oy = static_cast<int>((i / p.out_w) % p.out_h);
    const int64_t nm = i / out_plane;  // batch * out_channels + m
    const int64_t m = nm % p.out_channels;
    const int64_t n = nm / p.out_channels;
    const T* xc = x + (n * p.in_channels + m / multiplier) * in_plane;
    const T* wm = w + m * kh * kw;
    const int y0 = oy * p.stride_h - p.pad_top;
    const int x0 = ox * p.stride_w - p.pad_left;
    float acc = 0.0f;
    // kh / kw are compile-time constants when KH / KW > 0, so these loops unroll.
#pragma unroll
    for (int r = 0; r < kh; ++r) {
      const int yy = y0 + r * p.dilation_h;
      if (yy < 0 || yy >= p.in_h) continue;
      const T* row = xc + static_cast<int64_t>(yy) * p.in_w;
#pragma unroll
      for (int s = 0; s < kw; ++s) {
        const int xx = x0 + s * p.dilation_w;
        if (xx >= 0 && xx < p.in_w) acc += load_float(row, xx) * load_float(wm, r * kw + s);
      }
    }
    if (bias) acc += load_float(bias, m);
    if (residual && !p.residual_after_activation) acc += load_float(residual, i);
    acc = apply_activation(p.activation, acc);
    if (residual && p.residual_after_activation) acc += load_float(residual, i);
    store_float(y, i, acc);
  }
}

template <typename T, int KH, int KW>
cudaError_t launch_sized(const DepthwiseConvParams& p, const void* x, const void* w, const void* bias,
                         const void* residual, void* y, cudaStream_t stream) {
  const int64_t total = p.batch * p.out_channels * static_cast<int64_t>(p.out_h) * p.out_w;
  if (total <= 0) return cudaSuccess;
  depthwise_conv_kernel<T, KH, KW><<<blocks_for(total), kThreadsPerBlock, 0, stream>>>(
      p, static_cast<const T*>(x), static_cast<const T*>(w), static_cast<const T*>(bias),
      static_cast<const T*>(residual), static_cast<T*>(y));
  return cudaGetLastError();
}

template <typename T>
cudaError_t launch(const DepthwiseConvParams& p, const void* x, const void* w, const void* bias,
                   const void* residual, void* y, cudaStream_t stream) {
  if (p.kernel_h == 3 && p.kernel_w == 3) return launch_sized<T, 3, 3>(p, x, w, bias, residual, y, stream);
  if (p.kernel_h == 5 && p.kernel_w == 5) return launch_sized<T, 5, 5>(p, x, w, bias, residual, y, stream);
  return launch_sized<T, 0, 0>(p, x, w, bias, residual, y, stream);
}

}  // namespace

cudaError_t launch_depthwise_conv(ScalarKind kind, const DepthwiseConvParams& p, const void* x, const void* w,
                                  const void* bias, const void* residual, void* y, cudaStream_t stream) {
  if (p.in_channels <= 0 || p.out_channels % p.in_channels != 0) return cudaErrorInvalidValue;
  switch (kind) {
    case ScalarKind::kF32: return launch<float>(p, x, w, bias, residual, y, stream);
    case ScalarKind::kF16: return launch<__half>(p, x, w, bias, residual, y, stream);
    default: return cudaErrorInvalidValue;
  }
}

}  // namespace fovea::cuda::kernels
