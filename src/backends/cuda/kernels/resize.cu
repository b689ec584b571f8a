#include "backends/cuda/kernels/resize.h"

#include "backends/cuda/kernels/device_common.cuh"
#include "backends/cuda/kernels/resize_fast_paths.h"

namespace fovea::cuda::kernels {
namespace {

// Nearest: one tap per axis, so each output element is one input element (or the
// extrapolation value for tf_crop_and_resize outside the input).
template <typename W>
__global__ void resize_nearest_kernel(ResizeParams p, int64_t n, const W* in, W* out) {
  const W extrapolation = static_cast<W>(p.extrapolation_bits);
  FOVEA_GRID_STRIDE_LOOP(i, n) {
    int64_t rest = i, off = 0, stride = 1;
    bool outside = false;
    for (int d = p.rank - 1; d >= 0; --d) {
      const ResizeAxis& a = p.axes[d];
      const int64_t j = rest % a.out_len;
      rest /= a.out_len;
      int64_t src = j;
      if (!a.identity) {
        const ResizeTaps t = resize_axis_taps(p, a, j);
        outside = outside || t.outside;
        src = t.index[0];
      }
      off += src * stride;
      stride *= a.in_len;
    }
    out[i] = outside ? extrapolation : in[off];
  }
}

// Linear / cubic: the sum over every combination of the resized axes' taps of the product of
// their weights times the input element, in double (the CPU reference's separable passes give
// the same sum in another order). The multiply-adds are explicit so the linear fast path
// (resize_linear_fast.cu) rounds exactly as this kernel does.
template <typename T>
__global__ void resize_interpolate_kernel(ResizeParams p, int64_t n, const T* in, T* out) {
  FOVEA_GRID_STRIDE_LOOP(i, n) {
    ResizeTaps taps[kMaxRank];
    int64_t tap_stride[kMaxRank];
    int resized = 0;
    int64_t rest = i, base = 0, stride = 1;
    bool outside = false;
    for (int d = p.rank - 1; d >= 0; --d) {
      const ResizeAxis& a = p.axes[d];
      const int64_t j = rest % a.out_len;
      rest /= a.out_len;
      if (a.identity) {
        base += j * stride;
      } else {
        taps[resized] = resize_axis_taps(p, a, j);
        outside = outside || taps[resized].outside;
        tap_stride[resized] = stride;
        ++resized;
      }
      stride *= a.in_len;
    }
    if (outside) {
      store_float(out, i, static_cast<float>(p.extrapolation_value));
      continue;
    }
    int k[kMaxRank] = {};
    double acc = 0.0;
    while (true) {
      double w = 1.0;
      int64_t off = base;
      for (int r = 0; r < resized; ++r) {
        w = __dmul_rn(w, taps[r].weight[k[r]]);
        off += taps[r].index[k[r]] * tap_stride[r];
      }
      if (w != 0.0) acc = __fma_rn(w, static_cast<double>(load_float(in, off)), acc);
      int r = 0;
      while (r < resized && ++k[r] == taps[r].count) k[r++] = 0;
      if (r == resized) break;
    }
    store_float(out, i, static_cast<float>(acc));
  }
}

template <typename W>
cudaError_t nearest_as(const ResizeParams& p, int64_t n, const void* in, void* out, cudaStream_t stream) {
  resize_nearest_kernel<W><<<blocks_for(n), kThreadsPerBlock, 0, stream>>>(p, n, static_cast<const W*>(in),
                                                                           static_cast<W*>(out));
  return cudaGetLastError();
}

template <typename T>
cudaError_t interpolate_as(const ResizeParams& p, int64_t n, const void* in, void* out, cudaStream_t stream) {
  resize_interpolate_kernel<T><<<blocks_for(n), kThreadsPerBlock, 0, stream>>>(p, n, static_cast<const T*>(in),
                                                                               static_cast<T*>(out));
  return cudaGetLastError();
}

}  // namespace

cudaError_t launch_resize(const ResizeParams& p, const void* in, void* out, cudaStream_t stream) {
  const uintptr_t in_address = reinterpret_cast<uintptr_t>(in), out_address = reinterpret_cast<uintptr_t>(out);
  NearestFastPlan nearest;
  if (plan_resize_nearest_fast(p, in_address, out_address, &nearest)) {
    if (resize_output_count(p) == 0) return cudaSuccess;
    return launch_resize_nearest_fast(nearest, in, out, stream);
  }
  LinearFastPlan linear;
  if (plan_resize_linear_fast(p, in_address, out_address, &linear)) {
    if (resize_output_count(p) == 0) return cudaSuccess;
    return launch_resize_linear_fast(p, linear, in, out, stream);
  }
  return launch_resize_generic(p, in, out, stream);
}

cudaError_t launch_resize_generic(const ResizeParams& p, const void* in, void* out, cudaStream_t stream) {
  int64_t n = 1;
  for (int d = 0; d < p.rank; ++d) n *= p.axes[d].out_len;
  if (n == 0) return cudaSuccess;
  if (p.mode == ResizeInterp::kNearest) {
    switch (p.element_size) {
      case 1: return nearest_as<uint8_t>(p, n, in, out, stream);
      case 2: return nearest_as<uint16_t>(p, n, in, out, stream);
      case 4: return nearest_as<uint32_t>(p, n, in, out, stream);
      case 8: return nearest_as<uint64_t>(p, n, in, out, stream);
      default: return cudaErrorInvalidValue;
    }
  }
  switch (p.kind) {
    case ScalarKind::kF32: return interpolate_as<float>(p, n, in, out, stream);
    case ScalarKind::kF16: return interpolate_as<__half>(p, n, in, out, stream);
    default: return cudaErrorInvalidValue;
  }
}

}  // namespace fovea::cuda::kernels
