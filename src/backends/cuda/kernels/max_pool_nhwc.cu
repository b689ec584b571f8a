// launch_max_pool_nhwc: one thread per output element (or per channel pair for FP16), consecutive
// threads on consecutive channels of one output pixel so that loads and stores coalesce. The taps
// of a window that fall inside the input are found in O(1) per dim, as pool.cu does.
#include "backends/cuda/kernels/max_pool_nhwc.h"

#include <cstdint>

#include "backends/cuda/kernels/device_common.cuh"

namespace fovea::cuda::kernels {
namespace {

// Taps [begin, end) of a window starting at `start` (stride `dilation`, `k` taps) inside [0, extent).
struct TapRange {
  int begin, end;
};
__device__ __forceinline__ TapRange taps_inside(int start, int k, int dilation, int extent) {
  const int b = start >= 0 ? 0 : (-start + dilation - 1) / dilation;
  const int e = start >= extent ? 0 : (extent - start + dilation - 1) / dilation;
  const int begin = b < k ? b : k;
  const int end = e < k ? e : k;
  return {begin, end > begin ? end : begin};
}

// The output pixel of flat pixel index `pixel` ([batch, out_h, out_w]) and its window.
struct Window {
  int64_t n;
  int y0, x0;
  TapRange rows, cols;
};
__device__ __forceinline__ Window window_of(const MaxPoolNhwcParams& p, int64_t pixel) {
  Window w;
  const int ox = static_cast<int>(pixel % p.out_w);
  const int oy = static_cast<int>((pixel / p.out_w) % p.out_h);
  w.n = pixel / (static_cast<int64_t>(p.out_w) * p.out_h);
  w.y0 = oy * p.stride_h - p.pad_top;
  w.x0 = ox * p.stride_w - p.pad_left;
  w.rows = taps_inside(w.y0, p.kernel_h, p.dilation_h, p.in_h);
  w.cols = taps_inside(w.x0, p.kernel_w, p.dilation_w, p.in_w);
  return w;
}

template <typename T>
__device__ __forceinline__ T lowest_value();
template <>
__device__ __forceinline__ float lowest_value<float>() { return -3.402823466e38f; }
template <>
__device__ __forceinline__ __half lowest_value<__half>() { return __ushort_as_half(0xfbffu); }

template <typename T>
__global__ void max_pool_nhwc_kernel(MaxPoolNhwcParams p, const T* __restrict__ x, T* __restrict__ y) {
  const int64_t c_count = p.channels;
  const int64_t total = p.batch * p.out_h * p.out_w * c_count;
  FOVEA_GRID_STRIDE_LOOP(i, total) {
    const int64_t c = i % c_count;
    const Window w = window_of(p, i / c_count);
    const T* xn = x + w.n * p.in_h * p.in_w * c_count + c;
    T best = lowest_value<T>();
    float best_f = 0.0f;
    bool found = false;
    for (int r = w.rows.begin; r < w.rows.end; ++r) {
      const int64_t row = static_cast<int64_t>(w.y0 + r * p.dilation_h) * p.in_w;
      for (int s = w.cols.begin; s < w.cols.end; ++s) {
        const T v = xn[(row + w.x0 + s * p.dilation_w) * c_count];
        const float vf = load_float(&v, 0);
        if (!found || vf > best_f) best = v, best_f = vf, found = true;
      }
    }
    y[i] = best;
  }
}

// FP16 with an even channel count: the two channels of a pair kept apart, each as the scalar kernel does.
__global__ void max_pool_nhwc_half2_kernel(MaxPoolNhwcParams p, const __half2* __restrict__ x,
                                           __half2* __restrict__ y) {
  const int64_t pairs = p.channels / 2;
  const int64_t total = p.batch * p.out_h * p.out_w * pairs;
  FOVEA_GRID_STRIDE_LOOP(i, total) {
    const int64_t cp = i % pairs;
    const Window w = window_of(p, i / pairs);
    const __half2* xn = x + w.n * p.in_h * p.in_w * pairs + cp;
    __half lo = lowest_value<__half>(), hi = lowest_value<__half>();
    float lo_f = 0.0f, hi_f = 0.0f;
    bool found = false;
    for (int r = w.rows.begin; r < w.rows.end; ++r) {
      const int64_t row = static_cast<int64_t>(w.y0 + r * p.dilation_h) * p.in_w;
      for (int s = w.cols.begin; s < w.cols.end; ++s) {
        const __half2 v = xn[(row + w.x0 + s * p.dilation_w) * pairs];
        const __half vl = __low2half(v), vh = __high2half(v);
        const float vl_f = __half2float(vl), vh_f = __half2float(vh);
        if (!found || vl_f > lo_f) lo = vl, lo_f = vl_f;
        if (!found || vh_f > hi_f) hi = vh, hi_f = vh_f;
        found = true;
      }
    }
    y[i] = __halves2half2(lo, hi);
  }
}

bool aligned4(const void* ptr) { return reinterpret_cast<uintptr_t>(ptr) % 4 == 0; }

template <typename T>
cudaError_t launch(const MaxPoolNhwcParams& p, const void* x, void* y, cudaStream_t stream) {
  const int64_t total = p.batch * p.channels * p.out_h * p.out_w;
  if (total <= 0) return cudaSuccess;
  if constexpr (sizeof(T) == 2) {
    if (p.channels % 2 == 0 && aligned4(x) && aligned4(y)) {
      max_pool_nhwc_half2_kernel<<<blocks_for(total / 2), kThreadsPerBlock, 0, stream>>>(
          p, static_cast<const __half2*>(x), static_cast<__half2*>(y));
      return cudaGetLastError();
    }
  }
  max_pool_nhwc_kernel<T><<<blocks_for(total), kThreadsPerBlock, 0, stream>>>(p, static_cast<const T*>(x),
                                                                               static_cast<T*>(y));
  return cudaGetLastError();
}

}  // namespace

cudaError_t launch_max_pool_nhwc(ScalarKind kind, const MaxPoolNhwcParams& p, const void* x, void* y,
                                 cudaStream_t stream) {
  if (p.kernel_h < 1 || p.kernel_w < 1 || p.stride_h < 1 || p.stride_w < 1 || p.dilation_h < 1 ||
      p.dilation_w < 1)
    return cudaErrorInvalidValue;
  switch (kind) {
    case ScalarKind::kF32: return launch<float>(p, x, y, stream);
    case ScalarKind::kF16: return launch<__half>(p, x, y, stream);
    default: return cudaErrorInvalidValue;
  }
}

}  // namespace fovea::cuda::kernels
