// Fast paths of launch_resize for the common cases. They are chosen on the host from the same
// per-axis taps the generic kernels compute, so they give the generic kernels' results:
//
// - nearest where every axis maps output j to input (j / up) * down + phase (integer upsample,
//   2x above all; integer downsample): after merging the axes that are not resized, the
//   trailing run of them (NHWC: the channels) is copied per output pixel as whole words of up
//   to 16 bytes ("runs" kernel); when the last axis is resized (NCHW), each thread writes 16
//   bytes of one output row ("rows" kernel). Bit-identical: nearest is a copy.
// - linear with one or two resized axes next to each other, [outer, H, W, inner]: the taps of
//   an output pixel are computed once and applied to a group of up to 16 bytes of channels
//   (NHWC), the channel loop innermost; the same double sum, in the same order, with explicit
//   fused multiply-adds, as the generic kernel.
//
// Host planning is inline here (unit-testable without a GPU). Framework-free.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "backends/cuda/kernels/resize.h"
#include "backends/cuda/kernels/word_size.h"

namespace fovea::cuda::kernels {

inline constexpr int kMaxNearestFastAxes = 4;
// Longest axis whose taps are checked one by one on the host (each launch); longer: generic.
inline constexpr int64_t kMaxCheckedResizeAxis = int64_t{1} << 16;

// Output coordinate j of an axis reads input coordinate (j / up) * down + phase.
struct NearestAxisMap {
  int64_t in_len = 1, out_len = 1, up = 1, down = 1, phase = 0;
  bool identity() const { return up == 1 && down == 1 && phase == 0 && in_len == out_len; }
};

enum class NearestFastKind { kRuns, kRows };

struct NearestFastPlan {
  NearestFastKind kind = NearestFastKind::kRuns;
  int rank = 0;                              // axes left once identity neighbours are merged
  NearestAxisMap axes[kMaxNearestFastAxes];  // outermost first, without the trailing identity run
  int64_t inner = 1;                         // kRuns: elements each output pixel copies (NHWC: C)
  int64_t element_size = 0;
  int64_t word_bytes = 0;                    // kRuns: the word runs are moved with
  int64_t chunk = 1;                         // kRows: outputs one thread writes, as one 16-byte store when > 1
  bool wide_index = false;                   // some element index needs more than 31 bits
};

// The integer map of one axis, or false when the taps follow none (or leave the input).
inline bool nearest_axis_map(const ResizeParams& p, const ResizeAxis& a, NearestAxisMap* m) {
  m->in_len = a.in_len;
  m->out_len = a.out_len;
  m->up = m->down = 1;
  m->phase = 0;
  if (a.identity) return true;
  if (a.in_len <= 0 || a.out_len <= 0 || a.out_len > kMaxCheckedResizeAxis) return false;
  if (a.out_len % a.in_len == 0) {
    m->up = a.out_len / a.in_len;
  } else if (a.in_len % a.out_len == 0) {
    m->down = a.in_len / a.out_len;
    const ResizeTaps t = resize_axis_taps(p, a, 0);
    if (t.outside) return false;
    m->phase = t.index[0];
  } else {
    return false;
  }
  for (int64_t j = 0; j < a.out_len; ++j) {
    const ResizeTaps t = resize_axis_taps(p, a, j);
    if (t.outside || t.index[0] != (j / m->up) * m->down + m->phase) return false;
  }
  return true;
}

// The nearest fast path for `p` with these buffers, or false (then the generic kernel runs).
inline bool plan_resize_nearest_fast(const ResizeParams& p, uintptr_t in, uintptr_t out, NearestFastPlan* plan) {
  if (p.mode != ResizeInterp::kNearest) return false;
  const int64_t e = p.element_size;
  if (e != 1 && e != 2 && e != 4 && e != 8) return false;
  NearestAxisMap merged[kMaxRank];
  int rank = 0;
  int64_t in_count = 1, out_count = 1;
  for (int d = 0; d < p.rank; ++d) {
    NearestAxisMap m;
    if (!nearest_axis_map(p, p.axes[d], &m)) return false;
    in_count *= m.in_len;
    out_count *= m.out_len;
    if (m.in_len == 1 && m.out_len == 1) continue;  // reads element 0 either way
    if (rank > 0 && m.identity() && merged[rank - 1].identity()) {
      merged[rank - 1].in_len *= m.in_len;
      merged[rank - 1].out_len *= m.out_len;
      continue;
    }
    merged[rank++] = m;
  }
  NearestFastPlan r;
  r.element_size = e;
  if (rank > 0 && merged[rank - 1].identity()) r.inner = merged[--rank].in_len;
  if (rank > kMaxNearestFastAxes) return false;
  r.rank = rank;
  for (int d = 0; d < rank; ++d) r.axes[d] = merged[d];
  r.wide_index = (in_count > out_count ? in_count : out_count) > int64_t{0x7fffffff};
  if (r.inner == 1 && rank > 0) {
    r.kind = NearestFastKind::kRows;
    const int64_t row = r.axes[rank - 1].out_len;
    r.chunk = e < 16 && (row * e) % 16 == 0 && out % 16 == 0 ? 16 / e : 1;
  } else {
    r.kind = NearestFastKind::kRuns;
    r.word_bytes = widest_word_size(e, r.inner * e, {in, out});
  }
  *plan = r;
  return true;
}

struct LinearFastPlan {
  int h_axis = -1, w_axis = -1;  // indices in p.axes of the resized axes; h_axis -1: only one
  int64_t outer = 1, inner = 1;  // elements before / after them (axes that are not resized)
  int64_t group = 1;             // channels per thread: one access of up to 16 bytes per tap
  bool wide_index = false;
};

// The linear fast path for `p` with these buffers, or false (then the generic kernel runs).
inline bool plan_resize_linear_fast(const ResizeParams& p, uintptr_t in, uintptr_t out, LinearFastPlan* plan) {
  if (p.mode != ResizeInterp::kLinear) return false;
  if (p.kind != ScalarKind::kF32 && p.kind != ScalarKind::kF16) return false;
  const int64_t e = p.kind == ScalarKind::kF32 ? 4 : 2;
  LinearFastPlan r;
  int resized[kMaxRank];
  int n = 0;
  int64_t in_count = 1, out_count = 1;
  for (int d = 0; d < p.rank; ++d) {
    in_count *= p.axes[d].in_len;
    out_count *= p.axes[d].out_len;
    if (!p.axes[d].identity) resized[n++] = d;
  }
  if (n == 0 || n > 2) return false;
  // Axes between the two resized ones must be of length 1 (they add nothing to any offset).
  for (int d = resized[0] + 1; d < resized[n - 1]; ++d)
    if (p.axes[d].in_len != 1) return false;
  r.w_axis = resized[n - 1];
  r.h_axis = n == 2 ? resized[0] : -1;
  for (int d = 0; d < resized[0]; ++d) r.outer *= p.axes[d].in_len;
  for (int d = r.w_axis + 1; d < p.rank; ++d) r.inner *= p.axes[d].in_len;
  for (int64_t g = 16 / e; g > 1; g /= 2)
    if (r.inner % g == 0 && in % static_cast<uintptr_t>(g * e) == 0 && out % static_cast<uintptr_t>(g * e) == 0) {
      r.group = g;
      break;
    }
  r.wide_index = (in_count > out_count ? in_count : out_count) > int64_t{0x7fffffff};
  *plan = r;
  return true;
}

// Launchers for a plan made for these `in` / `out` pointers (cudaErrorInvalidValue otherwise).
cudaError_t launch_resize_nearest_fast(const NearestFastPlan& plan, const void* in, void* out, cudaStream_t stream);
cudaError_t launch_resize_linear_fast(const ResizeParams& p, const LinearFastPlan& plan, const void* in, void* out,
                                      cudaStream_t stream);

}  // namespace fovea::cuda::kernels
