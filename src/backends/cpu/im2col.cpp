#include "backends/cpu/im2col.h"

#include <cstring>
#include <type_traits>

#if defined(__SSE2__)
#include <immintrin.h>
#endif

namespace fovea::cpu {
namespace {

// Decomposes a flat index into coordinates over `dims` (row-major).
inline void unflatten(int64_t flat, const Dims& dims, int64_t* coord) {
  for (size_t d = dims.size(); d-- > 0;) {
    coord[d] = flat % dims[d];
    flat /= dims[d];
  }
}

constexpr size_t kMaxRank = 8;

// dst[j] = src[j * stride] for j in [0, count): the inner copy of one im2col row segment.
template <typename T>
inline void strided_copy(const T* src, int64_t stride, T* dst, int64_t count) {
  if (stride == 1) {
    std::memcpy(dst, src, sizeof(T) * count);
    return;
  }
  int64_t j = 0;
#if defined(__SSE2__)
  if constexpr (std::is_same_v<T, float>) {
    // Even lanes of two 4-wide loads (stride-2 downsampling convs). `j + 4 < count` keeps the second
    // load, which reaches src[2 * j + 7], inside the last element the scalar loop reads.
    if (stride == 2)
      for (; j + 4 < count; j += 4)
        _mm_storeu_ps(dst + j, _mm_shuffle_ps(_mm_loadu_ps(src + 2 * j), _mm_loadu_ps(src + 2 * j + 4),
                                              _MM_SHUFFLE(2, 0, 2, 0)));
  }
#endif
  for (; j < count; ++j) dst[j] = src[j * stride];
}

// The 2-D case without per-row index decomposition.
template <typename T>
void im2col_2d(const T* x, int64_t channels, const ConvGeometry& g, T* col, bool parallel) {
  const int64_t ih = g.in[0], iw = g.in[1], oh = g.out[0], ow = g.out[1];
  const int64_t kh = g.kernel[0], kw = g.kernel[1], sh = g.strides[0], sw = g.strides[1];
  const int64_t dh = g.dilations[0], dw = g.dilations[1], ph = g.pads_begin[0], pw = g.pads_begin[1];
  const int64_t ksize = kh * kw, out_size = oh * ow, rows = channels * ksize;
#pragma omp parallel for schedule(static) if (parallel)
  for (int64_t row = 0; row < rows; ++row) {
    const int64_t c = row / ksize, ki = row % ksize / kw, kj = row % kw;
    const T* xc = x + c * ih * iw;
    T* dst = col + row * out_size;
    const int64_t off_w = kj * dw - pw;
    // Output columns whose input column lies inside [0, iw): [lo, hi).
    int64_t lo = off_w >= 0 ? 0 : (-off_w + sw - 1) / sw;
    int64_t hi = iw - off_w > 0 ? (iw - off_w + sw - 1) / sw : 0;
    if (hi > ow) hi = ow;
    if (lo > hi) lo = hi;
    for (int64_t oy = 0; oy < oh; ++oy, dst += ow) {
      const int64_t iy = oy * sh - ph + ki * dh;
      if (iy < 0 || iy >= ih) {
        std::memset(dst, 0, sizeof(T) * ow);
        continue;
      }
      const T* src = xc + iy * iw + off_w;
      for (int64_t j = 0; j < lo; ++j) dst[j] = T(0);
      strided_copy(src + lo * sw, sw, dst + lo, hi - lo);
      for (int64_t j = hi; j < ow; ++j) dst[j] = T(0);
    }
  }
}

}  // namespace

template <typename T>
void im2col(const T* x, int64_t channels, const ConvGeometry& g, T* col, bool parallel) {
  const size_t r = g.in.size();
  if (r == 2) {
    im2col_2d(x, channels, g, col, parallel);
    return;
  }
  const int64_t ksize = element_count(g.kernel);
  const int64_t in_size = element_count(g.in);
  const int64_t out_size = element_count(g.out);
  const int64_t last_out = g.out[r - 1];
  const int64_t last_in = g.in[r - 1];
  const int64_t outer = last_out > 0 ? out_size / last_out : 0;
  const int64_t s_last = g.strides[r - 1];
  const int64_t rows = channels * ksize;
  const Dims outer_dims(g.out.begin(), g.out.end() - 1);
#pragma omp parallel for schedule(static) if (parallel)
  for (int64_t row = 0; row < rows; ++row) {
    const int64_t c = row / ksize;
    int64_t k[kMaxRank], o[kMaxRank];
    unflatten(row % ksize, g.kernel, k);
    const T* xc = x + c * in_size;
    T* dst_row = col + row * out_size;
    const int64_t off_last = k[r - 1] * g.dilations[r - 1] - g.pads_begin[r - 1];
    // Output positions whose input lies inside [0, last_in) along the last dim: [lo, hi).
    int64_t lo = off_last >= 0 ? 0 : (-off_last + s_last - 1) / s_last;
    int64_t hi = last_in - off_last > 0 ? (last_in - off_last + s_last - 1) / s_last : 0;
    if (hi > last_out) hi = last_out;
    if (lo > hi) lo = hi;
    for (int64_t ob = 0; ob < outer; ++ob) {
      T* dst = dst_row + ob * last_out;
      unflatten(ob, outer_dims, o);
      int64_t src_off = 0;
      bool inside = true;
      for (size_t d = 0; d + 1 < r; ++d) {
        const int64_t i = o[d] * g.strides[d] - g.pads_begin[d] + k[d] * g.dilations[d];
        if (i < 0 || i >= g.in[d]) { inside = false; break; }
        src_off = src_off * g.in[d] + i;
      }
      if (!inside) {
        std::memset(dst, 0, sizeof(T) * last_out);
        continue;
      }
      const T* src = xc + src_off * last_in + off_last;
      for (int64_t j = 0; j < lo; ++j) dst[j] = T(0);
      if (s_last == 1) {
        std::memcpy(dst + lo, src + lo, sizeof(T) * (hi - lo));
      } else {
        for (int64_t j = lo; j < hi; ++j) dst[j] = src[j * s_last];
      }
      for (int64_t j = hi; j < last_out; ++j) dst[j] = T(0);
    }
  }
}

template <typename T>
void col2im(const T* col, int64_t channels, const ConvGeometry& g, T* x) {
  const size_t r = g.in.size();
  const int64_t ksize = element_count(g.kernel);
  const int64_t in_size = element_count(g.in);
  const int64_t out_size = element_count(g.out);
  const int64_t last_out = g.out[r - 1];
  const int64_t last_in = g.in[r - 1];
  const int64_t outer = last_out > 0 ? out_size / last_out : 0;
  const int64_t s_last = g.strides[r - 1];
  const Dims outer_dims(g.out.begin(), g.out.end() - 1);
#pragma omp parallel for schedule(static)
  for (int64_t c = 0; c < channels; ++c) {
    T* xc = x + c * in_size;
    int64_t k[kMaxRank], o[kMaxRank];
    for (int64_t kk = 0; kk < ksize; ++kk) {
      unflatten(kk, g.kernel, k);
      const T* src_row = col + (c * ksize + kk) * out_size;
      const int64_t off_last = k[r - 1] * g.dilations[r - 1] - g.pads_begin[r - 1];
      int64_t lo = off_last >= 0 ? 0 : (-off_last + s_last - 1) / s_last;
      int64_t hi = last_in - off_last > 0 ? (last_in - off_last + s_last - 1) / s_last : 0;
      if (hi > last_out) hi = last_out;
      if (lo > hi) lo = hi;
      for (int64_t ob = 0; ob < outer; ++ob) {
        unflatten(ob, outer_dims, o);
        int64_t dst_off = 0;
        bool inside = true;
        for (size_t d = 0; d + 1 < r; ++d) {
          const int64_t i = o[d] * g.strides[d] - g.pads_begin[d] + k[d] * g.dilations[d];
          if (i < 0 || i >= g.in[d]) { inside = false; break; }
          dst_off = dst_off * g.in[d] + i;
        }
        if (!inside) continue;
        const T* src = src_row + ob * last_out;
        T* dst = xc + dst_off * last_in + off_last;
        for (int64_t j = lo; j < hi; ++j) dst[j * s_last] += src[j];
      }
    }
  }
}

template void im2col<float>(const float*, int64_t, const ConvGeometry&, float*, bool);
template void im2col<double>(const double*, int64_t, const ConvGeometry&, double*, bool);
template void col2im<float>(const float*, int64_t, const ConvGeometry&, float*);
template void col2im<double>(const double*, int64_t, const ConvGeometry&, double*);

}  // namespace fovea::cpu
