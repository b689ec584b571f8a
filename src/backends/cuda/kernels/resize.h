// Resize / Upsample launcher and the per-axis tap computation it shares with the host tests.
// Each output element computes, per resized axis, the source coordinate and its taps (1 for
// nearest, 2 for linear, 4 for cubic) exactly as the CPU reference builds its tap tables, then
// sums the products of the per-axis weights in double. Nearest moves any element size; linear
// and cubic take float32 and float16. Framework-free.
#pragma once

#include <cuda_runtime.h>
#include <math.h>

#include <cstdint>

#include "backends/cuda/kernels/scalar_kind.h"
#include "backends/cuda/kernels/strided_indexer.h"

// Unrolling in code the host compiler also sees (it would warn about the CUDA pragma).
#ifdef __CUDACC__
#define FOVEA_RESIZE_UNROLL _Pragma("unroll")
#else
#define FOVEA_RESIZE_UNROLL
#endif

namespace fovea::cuda::kernels {

enum class ResizeInterp { kNearest, kLinear, kCubic };
enum class ResizeCoordinate {
  kHalfPixel, kHalfPixelSymmetric, kPytorchHalfPixel, kAlignCorners, kAsymmetric, kTfHalfPixelForNN, kTfCropAndResize
};
// kSimple: Upsample and Resize-10 (floor when upsampling, ceil when downsampling).
enum class ResizeNearest { kRoundPreferFloor, kRoundPreferCeil, kFloor, kCeil, kSimple };

struct ResizeAxis {
  int64_t in_len = 1, out_len = 1;
  double scale = 1.0, roi_start = 0.0, roi_end = 1.0;
  bool identity = false;  // output j reads input j with weight 1 (axis not resized)
};

struct ResizeParams {
  int rank = 0;
  ResizeAxis axes[kMaxRank];
  ResizeInterp mode = ResizeInterp::kNearest;
  ResizeCoordinate transform = ResizeCoordinate::kHalfPixel;
  ResizeNearest rounding = ResizeNearest::kRoundPreferFloor;
  double cubic_coeff_a = -0.75;
  bool exclude_outside = false;
  double extrapolation_value = 0.0;  // linear / cubic
  uint64_t extrapolation_bits = 0;   // nearest: the value as the element's low bytes
  ScalarKind kind = ScalarKind::kF32;
  int64_t element_size = 4;
};

// The taps one output coordinate reads along one axis.
struct ResizeTaps {
  int count = 1;
  int64_t index[4] = {0, 0, 0, 0};  // clamped to [0, in_len)
  double weight[4] = {1.0, 0.0, 0.0, 0.0};
  bool outside = false;             // tf_crop_and_resize beyond the input: extrapolation_value
};

// a + b, never contracted with a neighbouring multiply into a fused multiply-add on the device,
// so coordinates round as on the host (a floor or a range check can hinge on the last bit).
FOVEA_HOST_DEVICE double add_unfused(double a, double b) {
#ifdef __CUDA_ARCH__
  return __dadd_rn(a, b);
#else
  return a + b;
#endif
}
FOVEA_HOST_DEVICE double mul_unfused(double a, double b) {
#ifdef __CUDA_ARCH__
  return __dmul_rn(a, b);
#else
  return a * b;
#endif
}

// The input coordinate output coordinate x maps to (the ONNX reference's formulas; the resized
// length is scale * in_len, not the rounded output length).
FOVEA_HOST_DEVICE double resize_source_coordinate(ResizeCoordinate t, double x, int64_t in_len, int64_t out_len,
                                                  double scale, double roi_start, double roi_end) {
  // Unfused: `out_width - 1.0` below would otherwise become an FMA in some kernels and not others.
  const double out_width = mul_unfused(scale, static_cast<double>(in_len));
  const bool single = fabs(out_width - 1.0) < 1e-9;
  const double in = static_cast<double>(in_len);
  switch (t) {
    case ResizeCoordinate::kHalfPixel: return (x + 0.5) / scale - 0.5;
    case ResizeCoordinate::kHalfPixelSymmetric: {
      const double adjustment = static_cast<double>(out_len) / out_width;
      const double offset = in / 2.0 * (1.0 - adjustment);
      return add_unfused(offset, (x + 0.5) / scale) - 0.5;
    }
    case ResizeCoordinate::kPytorchHalfPixel: return single ? -0.5 : (x + 0.5) / scale - 0.5;
    case ResizeCoordinate::kAlignCorners: return single ? 0.0 : x * (in - 1.0) / (out_width - 1.0);
    case ResizeCoordinate::kAsymmetric: return x / scale;
    case ResizeCoordinate::kTfHalfPixelForNN: return (x + 0.5) / scale;
    case ResizeCoordinate::kTfCropAndResize: {
      const double span = (roi_end - roi_start) * (in - 1.0);
      return add_unfused(single ? span / 2.0 : x * span / (out_width - 1.0), roi_start * (in - 1.0));
    }
  }
  return x;
}

// 0 or 1: whether nearest picks the upper neighbour; ratio is in (0, 1].
FOVEA_HOST_DEVICE int64_t resize_nearest_offset(ResizeNearest r, double ratio, double scale) {
  if (ratio == 1.0) return 1;
  switch (r) {
    case ResizeNearest::kRoundPreferFloor: return ratio <= 0.5 ? 0 : 1;
    case ResizeNearest::kRoundPreferCeil: return ratio < 0.5 ? 0 : 1;
    case ResizeNearest::kFloor: return 0;
    case ResizeNearest::kCeil: return 1;
    case ResizeNearest::kSimple: return scale < 1.0 ? 1 : 0;
  }
  return 0;
}

FOVEA_HOST_DEVICE ResizeTaps resize_axis_taps(const ResizeParams& p, const ResizeAxis& a, int64_t j) {
  ResizeTaps t;
  t.count = p.mode == ResizeInterp::kNearest ? 1 : p.mode == ResizeInterp::kLinear ? 2 : 4;
  const double x = resize_source_coordinate(p.transform, static_cast<double>(j), a.in_len, a.out_len, a.scale,
                                            a.roi_start, a.roi_end);
  if (p.transform == ResizeCoordinate::kTfCropAndResize && (x < 0 || x > static_cast<double>(a.in_len - 1))) {
    t.outside = true;
    return t;
  }
  // Lower neighbour and ratio in (0, 1], as the ONNX reference picks them.
  int64_t base = static_cast<int64_t>(floor(x));
  double ratio = x - static_cast<double>(base);
  if (ratio == 0.0) {
    base -= 1;
    ratio = 1.0;
  }
  int64_t first = base;
  if (p.mode == ResizeInterp::kNearest) {
    first = base + resize_nearest_offset(p.rounding, ratio, a.scale);
    t.weight[0] = 1.0;
  } else if (p.mode == ResizeInterp::kLinear) {
    t.weight[0] = 1.0 - ratio;
    t.weight[1] = ratio;
  } else {
    first = base - 1;
    const double c = p.cubic_coeff_a;
    const double x0 = ratio + 1, x1 = ratio, x2 = 1 - ratio, x3 = 2 - ratio;
    t.weight[0] = ((c * x0 - 5 * c) * x0 + 8 * c) * x0 - 4 * c;
    t.weight[1] = ((c + 2) * x1 - (c + 3)) * x1 * x1 + 1;
    t.weight[2] = ((c + 2) * x2 - (c + 3)) * x2 * x2 + 1;
    t.weight[3] = ((c * x3 - 5 * c) * x3 + 8 * c) * x3 - 4 * c;
  }
  // Loops over all four slots with a guard, unrolled, so the taps stay in registers on the device.
  double sum = 0.0;
  FOVEA_RESIZE_UNROLL
  for (int k = 0; k < 4; ++k) {
    if (k >= t.count) continue;
    const int64_t raw = first + k;
    if (p.exclude_outside && (raw < 0 || raw >= a.in_len)) t.weight[k] = 0.0;
    sum += t.weight[k];
    t.index[k] = raw < 0 ? 0 : raw >= a.in_len ? a.in_len - 1 : raw;
  }
  if (p.exclude_outside && sum != 0.0) {
  FOVEA_RESIZE_UNROLL
    for (int k = 0; k < 4; ++k)
      if (k < t.count) t.weight[k] /= sum;
  }
  return t;
}

// Whether every output coordinate of the axis reads the same input coordinate with weight 1
// (the CPU reference skips such axes). Host only: O(out_len).
inline bool resize_axis_is_identity(const ResizeParams& p, const ResizeAxis& a) {
  if (a.in_len != a.out_len) return false;
  for (int64_t j = 0; j < a.out_len; ++j) {
    const ResizeTaps t = resize_axis_taps(p, a, j);
    if (t.outside) return false;
    bool reads_j = false;
    for (int k = 0; k < t.count; ++k) reads_j = reads_j || (t.weight[k] == 1.0 && t.index[k] == j);
    if (!reads_j) return false;
  }
  return true;
}

inline int64_t resize_output_count(const ResizeParams& p) {
  int64_t n = 1;
  for (int d = 0; d < p.rank; ++d) n *= p.axes[d].out_len;
  return n;
}

// Nearest for any element size; linear and cubic for kF32 / kF16 (else cudaErrorInvalidValue).
// Takes a fast path (resize_fast_paths.h) when one applies to `p` and these pointers.
cudaError_t launch_resize(const ResizeParams& p, const void* in, void* out, cudaStream_t stream);
// The element-per-thread kernels only, whatever `p` (tests compare the fast paths with them).
cudaError_t launch_resize_generic(const ResizeParams& p, const void* in, void* out, cudaStream_t stream);

}  // namespace fovea::cuda::kernels
