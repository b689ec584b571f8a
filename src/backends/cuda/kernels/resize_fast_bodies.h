// What one thread of each resize fast path does (resize_nearest_fast.cu, resize_linear_fast.cu
// loop these over their grid; the host tests replay them over every index). Host and device.
// Framework-free.
#pragma once

#include <cuda_fp16.h>
#include <math.h>

#include <cstdint>

#include "backends/cuda/kernels/int_divider.h"
#include "backends/cuda/kernels/resize_fast_paths.h"
#include "backends/cuda/kernels/word_copy.h"

namespace fovea::cuda::kernels {

// ---- nearest ---------------------------------------------------------------------------------

// A NearestFastPlan's axes in index type I (uint32_t when every index fits, else uint64_t).
// in_stride: input units (kRuns: runs, kRows: elements) one step of the axis moves.
template <typename I>
struct NearestAxes {
  int rank = 0;
  IntDivider<I> out_len[kMaxNearestFastAxes];
  IntDivider<I> up[kMaxNearestFastAxes];
  I in_stride[kMaxNearestFastAxes] = {};
  I down[kMaxNearestFastAxes] = {};
  I phase[kMaxNearestFastAxes] = {};
};

template <typename I>
inline NearestAxes<I> nearest_axes(const NearestFastPlan& plan) {
  NearestAxes<I> a;
  a.rank = plan.rank;
  int64_t stride = 1;
  for (int d = plan.rank - 1; d >= 0; --d) {
    const NearestAxisMap& m = plan.axes[d];
    a.out_len[d] = IntDivider<I>(static_cast<I>(m.out_len));
    a.in_stride[d] = static_cast<I>(stride);
    a.up[d] = IntDivider<I>(static_cast<I>(m.up));
    a.down[d] = static_cast<I>(m.down);
    a.phase[d] = static_cast<I>(m.phase);
    stride *= m.in_len;
  }
  return a;
}

template <typename I>
FOVEA_HOST_DEVICE I nearest_source(const NearestAxes<I>& a, int d, I j) {
  I s = a.up[d].divisor == 1 ? j : a.up[d].div(j);
  if (a.down[d] != 1) s *= a.down[d];
  return s + a.phase[d];
}

// The input offset (in units) of output position `pos`, counted over axes [0, last).
template <typename I>
FOVEA_HOST_DEVICE I nearest_source_offset(const NearestAxes<I>& a, int last, I pos) {
  I off = 0;
  FOVEA_RESIZE_UNROLL
  for (int d = kMaxNearestFastAxes - 1; d >= 0; --d) {
    if (d >= last) continue;
    const I q = a.out_len[d].div(pos);
    off += nearest_source(a, d, pos - q * a.out_len[d].divisor) * a.in_stride[d];
    pos = q;
  }
  return off;
}

// kRuns: output word i (of words_per_run per output pixel) from its source pixel's run.
template <typename W, typename I>
FOVEA_HOST_DEVICE void nearest_runs_word(const NearestAxes<I>& a, IntDivider<I> words_per_run, I i, const W* in,
                                         W* out) {
  const I pixel = words_per_run.div(i), u = i - pixel * words_per_run.divisor;
  out[i] = in[nearest_source_offset(a, a.rank, pixel) * words_per_run.divisor + u];
}

// kRows: chunk t of V outputs along the last axis (rows hold chunks_per_row * V elements),
// stored as one word when V > 1.
template <typename E, int V, typename I>
FOVEA_HOST_DEVICE void nearest_rows_chunk(const NearestAxes<I>& a, IntDivider<I> chunks_per_row, I t, const E* in,
                                          E* out) {
  const int last = a.rank - 1;
  const I row = chunks_per_row.div(t), c = t - row * chunks_per_row.divisor;
  const E* src = in + nearest_source_offset(a, last, row);
  E v[V];
  FOVEA_RESIZE_UNROLL
  for (int m = 0; m < V; ++m) v[m] = src[nearest_source(a, last, c * V + static_cast<I>(m))];
  if constexpr (V > 1)
    store_word(out + t * V, v);
  else
    out[t] = v[0];
}

// ---- linear ----------------------------------------------------------------------------------

// Output [outer, out_h, out_w, inner] from input [outer, in_h, in_w, inner], in groups of G
// channels. h: a one-element identity axis when only one axis is resized.
template <typename I>
struct LinearGeometry {
  ResizeAxis h, w;
  bool has_h = false;
  I out_h = 1, out_w = 1, in_h = 1, in_w = 1, inner = 1, groups = 1, total = 0;  // total: output groups
};

template <typename I>
inline LinearGeometry<I> linear_geometry(const ResizeParams& p, const LinearFastPlan& plan) {
  LinearGeometry<I> g;
  g.w = p.axes[plan.w_axis];
  g.has_h = plan.h_axis >= 0;
  if (g.has_h) g.h = p.axes[plan.h_axis];
  g.out_h = static_cast<I>(g.h.out_len);
  g.in_h = static_cast<I>(g.h.in_len);
  g.out_w = static_cast<I>(g.w.out_len);
  g.in_w = static_cast<I>(g.w.in_len);
  g.inner = static_cast<I>(plan.inner);
  g.groups = static_cast<I>(plan.inner / plan.group);
  g.total = static_cast<I>(plan.outer * g.h.out_len * g.w.out_len * (plan.inner / plan.group));
  return g;
}

// The generic kernel's arithmetic (resize.cu): load_float / store_float, products and
// multiply-adds rounded once each (on the host: std::fma, exact as the device's).
FOVEA_HOST_DEVICE float linear_to_float(float x) { return x; }
FOVEA_HOST_DEVICE float linear_to_float(__half x) { return __half2float(x); }
template <typename T>
FOVEA_HOST_DEVICE T linear_from_float(float x) {
  if constexpr (sizeof(T) == 2)
    return __float2half_rn(x);
  else
    return x;
}
FOVEA_HOST_DEVICE double linear_mul(double a, double b) {
#ifdef __CUDA_ARCH__
  return __dmul_rn(a, b);
#else
  return a * b;
#endif
}
FOVEA_HOST_DEVICE double linear_fma(double a, double b, double c) {
#ifdef __CUDA_ARCH__
  return __fma_rn(a, b, c);
#else
  return fma(a, b, c);
#endif
}

template <typename T, int G>
FOVEA_HOST_DEVICE void load_group(const T* p, T (&v)[G]) {
  if constexpr (G > 1)
    load_word(p, v);
  else
    v[0] = p[0];
}
template <typename T, int G>
FOVEA_HOST_DEVICE void store_group(T* p, const T (&v)[G]) {
  if constexpr (G > 1)
    store_word(p, v);
  else
    p[0] = v[0];
}

// Output group i: the taps of its pixel once, then weight = w_tap * h_tap for the taps (h0,w0)
// (h0,w1) (h1,w0) (h1,w1) in that order (the generic kernel's), zero weights skipped, each
// channel's sum in double.
template <typename T, int G, typename I>
FOVEA_HOST_DEVICE void resize_linear_group(const ResizeParams& p, const LinearGeometry<I>& g, I i, const T* in,
                                           T* out) {
  I rest = i / g.groups;
  const I group = i - rest * g.groups;
  const I ow = rest % g.out_w;
  rest /= g.out_w;
  const I oh = rest % g.out_h;
  const I o = rest / g.out_h;
  const ResizeTaps tw = resize_axis_taps(p, g.w, static_cast<int64_t>(ow));
  ResizeTaps th;  // one tap of weight 1 at index 0, then weight 0
  if (g.has_h) th = resize_axis_taps(p, g.h, static_cast<int64_t>(oh));
  T v[G];
  if (tw.outside || th.outside) {
    FOVEA_RESIZE_UNROLL
    for (int c = 0; c < G; ++c) v[c] = linear_from_float<T>(static_cast<float>(p.extrapolation_value));
    store_group(out + i * G, v);
    return;
  }
  double acc[G];
  FOVEA_RESIZE_UNROLL
  for (int c = 0; c < G; ++c) acc[c] = 0.0;
  FOVEA_RESIZE_UNROLL
  for (int kh = 0; kh < 2; ++kh) {
    FOVEA_RESIZE_UNROLL
    for (int kw = 0; kw < 2; ++kw) {
      const double w = linear_mul(tw.weight[kw], th.weight[kh]);
      if (w == 0.0) continue;
      const I pixel = (o * g.in_h + static_cast<I>(th.index[kh])) * g.in_w + static_cast<I>(tw.index[kw]);
      load_group(in + pixel * g.inner + group * G, v);
      FOVEA_RESIZE_UNROLL
      for (int c = 0; c < G; ++c) acc[c] = linear_fma(w, static_cast<double>(linear_to_float(v[c])), acc[c]);
    }
  }
  FOVEA_RESIZE_UNROLL
  for (int c = 0; c < G; ++c) v[c] = linear_from_float<T>(static_cast<float>(acc[c]));
  store_group(out + i * G, v);
}

}  // namespace fovea::cuda::kernels
