// launch_depthwise_conv_nhwc: the depthwise convolution over channel-innermost (NHWC) data.
// Consecutive threads take consecutive channels of one output pixel, so the loads of each window
// tap and the store are coalesced; FP16 takes two channels per thread through half2.
#include "backends/cuda/kernels/depthwise_conv.h"

#include <cstdint>

#include "backends/cuda/kernels/device_common.cuh"

namespace fovea::cuda::kernels {
namespace {

// The bias, residual and activation of one output value, in the NCHW kernel's order.
__device__ __forceinline__ float finish(const DepthwiseConvParams& p, float acc, float bias, float residual,
                                        bool has_residual) {
  acc += bias;
  if (has_residual && !p.residual_after_activation) acc += residual;
  acc = apply_activation(p.activation, acc);
  if (has_residual && p.residual_after_activation) acc += residual;
  return acc;
}

// One thread per output element (any multiplier, any channel count). KH/KW > 0 fix the kernel
// size at compile time so the window loops unroll; 0 reads it from the params.
template <typename T, int KH, int KW>
__global__ void depthwise_conv_nhwc_kernel(DepthwiseConvParams p, const T* __restrict__ x, const T* __restrict__ w,
                                           const T* __restrict__ bias, const T* __restrict__ residual,
                                           T* __restrict__ y) {
  const int kh = KH > 0 ? KH : p.kernel_h;
  const int kw = KW > 0 ? KW : p.kernel_w;
  const int64_t k = p.out_channels;
  const int64_t c_in = p.in_channels;
  const int64_t multiplier = k / c_in;
  const int64_t total = p.batch * p.out_h * p.out_w * k;
  FOVEA_GRID_STRIDE_LOOP(i, total) {
    const int64_t m = i % k;
    const int64_t pixel = i / k;
    const int ox = static_cast<int>(pixel % p.out_w);
    const int oy = static_cast<int>((pixel / p.out_w) % p.out_h);
    const int64_t n = pixel / (static_cast<int64_t>(p.out_w) * p.out_h);
    const T* xn = x + n * p.in_h * p.in_w * c_in + m / multiplier;
    const T* wm = w + m * kh * kw;
    const int y0 = oy * p.stride_h - p.pad_top;
    const int x0 = ox * p.stride_w - p.pad_left;
    float acc = 0.0f;
#pragma unroll
    for (int r = 0; r < kh; ++r) {
      const int yy = y0 + r * p.dilation_h;
      if (yy < 0 || yy >= p.in_h) continue;
      const T* row = xn + static_cast<int64_t>(yy) * p.in_w * c_in;
#pragma unroll
      for (int s = 0; s < kw; ++s) {
        const int xx = x0 + s * p.dilation_w;
        if (xx >= 0 && xx < p.in_w) acc += load_float(row, xx * c_in) * load_float(wm, r * kw + s);
      }
    }
    const float b = bias ? load_float(bias, m) : 0.0f;
    const float z = residual ? load_float(residual, i) : 0.0f;
    store_float(y, i, finish(p, acc, b, z, residual != nullptr));
  }
}

// FP16, multiplier 1, even channel count: one thread per output pixel and channel pair.
template <int KH, int KW>
__global__ void depthwise_conv_nhwc_half2_kernel(DepthwiseConvParams p, const __half2* __restrict__ x,
                                                 const __half* __restrict__ w, const __half* __restrict__ bias,
                                                 const __half2* __restrict__ residual, __half2* __restrict__ y) {
  const int kh = KH > 0 ? KH : p.kernel_h;
  const int kw = KW > 0 ? KW : p.kernel_w;
  const int64_t pairs = p.in_channels / 2;
  const int64_t total = p.batch * p.out_h * p.out_w * pairs;
  FOVEA_GRID_STRIDE_LOOP(i, total) {
    const int64_t cp = i % pairs;
    const int64_t pixel = i / pairs;
    const int ox = static_cast<int>(pixel % p.out_w);
    const int oy = static_cast<int>((pixel / p.out_w) % p.out_h);
    const int64_t n = pixel / (static_cast<int64_t>(p.out_w) * p.out_h);
    const __half2* xn = x + n * p.in_h * p.in_w * pairs + cp;
    const int64_t m0 = 2 * cp;  // the pair's first channel
    const __half* w0 = w + m0 * kh * kw;
    const __half* w1 = w0 + kh * kw;
    const int y0 = oy * p.stride_h - p.pad_top;
    const int x0 = ox * p.stride_w - p.pad_left;
    float acc0 = 0.0f, acc1 = 0.0f;
#pragma unroll
    for (int r = 0; r < kh; ++r) {
      const int yy = y0 + r * p.dilation_h;
      if (yy < 0 || yy >= p.in_h) continue;
      const __half2* row = xn + static_cast<int64_t>(yy) * p.in_w * pairs;
#pragma unroll
      for (int s = 0; s < kw; ++s) {
        const int xx = x0 + s * p.dilation_w;
        if (xx < 0 || xx >= p.in_w) continue;
        const float2 v = __half22float2(row[xx * pairs]);
        acc0 += v.x * __half2float(w0[r * kw + s]);
        acc1 += v.y * __half2float(w1[r * kw + s]);
      }
    }
    const float b0 = bias ? __half2float(bias[m0]) : 0.0f;
    const float b1 = bias ? __half2float(bias[m0 + 1]) : 0.0f;
    const float2 z = residual ? __half22float2(residual[i]) : make_float2(0.0f, 0.0f);
    const bool has_residual = residual != nullptr;
    y[i] = __floats2half2_rn(finish(p, acc0, b0, z.x, has_residual), finish(p, acc1, b1, z.y, has_residual));
  }
}

bool aligned4(const void* ptr) { return reinterpret_cast<uintptr_t>(ptr) % 4 == 0; }

template <typename T, int KH, int KW>
cudaError_t launch_sized(const DepthwiseConvParams& p, const void* x, const void* w, const void* bias,
                         const void* residual, void* y, cudaStream_t stream) {
  const int64_t total = p.batch * p.out_channels * static_cast<int64_t>(p.out_h) * p.out_w;
  if (total <= 0) return cudaSuccess;
  if constexpr (sizeof(T) == 2) {
    const bool paired = p.out_channels == p.in_channels && p.in_channels % 2 == 0 && aligned4(x) && aligned4(y) &&
                        (residual == nullptr || aligned4(residual));
    if (paired) {
      depthwise_conv_nhwc_half2_kernel<KH, KW><<<blocks_for(total / 2), kThreadsPerBlock, 0, stream>>>(
          p, static_cast<const __half2*>(x), static_cast<const __half*>(w), static_cast<const __half*>(bias),
          static_cast<const __half2*>(residual), static_cast<__half2*>(y));
      return cudaGetLastError();
    }
  }
  depthwise_conv_nhwc_kernel<T, KH, KW><<<blocks_for(total), kThreadsPerBlock, 0, stream>>>(
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

cudaError_t launch_depthwise_conv_nhwc(ScalarKind kind, const DepthwiseConvParams& p, const void* x, const void* w,
                                       const void* bias, const void* residual, void* y, cudaStream_t stream) {
  if (p.in_channels <= 0 || p.out_channels % p.in_channels != 0) return cudaErrorInvalidValue;
  switch (kind) {
    case ScalarKind::kF32: return launch<float>(p, x, w, bias, residual, y, stream);
    case ScalarKind::kF16: return launch<__half>(p, x, w, bias, residual, y, stream);
    default: return cudaErrorInvalidValue;
  }
}

}  // namespace fovea::cuda::kernels
