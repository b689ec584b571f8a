// CPU kernels of Resize and Upsample. Each resized axis gets a table of taps (source index and
// weight per output coordinate) built from one shared coordinate transform; nearest gathers
// through the tables, linear and cubic apply them one axis at a time (separable passes).
// Integer-scale nearest on the last two axes (YOLO's 2x upsample) is a row-replicating fast path.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <type_traits>

#include "backends/cpu/float16_via_float32.h"
#include "backends/cpu/kernels.h"
#include "ops/resize_geometry.h"

namespace fovea::cpu {
namespace {

struct AxisTaps {
  int taps = 1;
  std::vector<int64_t> index;   // out_len * taps, clamped to [0, in_len)
  std::vector<double> weight;   // out_len * taps
  std::vector<uint8_t> outside; // per output coordinate: use extrapolation_value (tf_crop_and_resize)
  bool identity = false;        // output coordinate j reads input j with weight 1
};

int64_t nearest_offset(NearestRounding r, double ratio, double scale) {
  // ratio is in (0, 1]; 1 means the coordinate is exactly the upper neighbour.
  if (ratio == 1.0) return 1;
  switch (r) {
    case NearestRounding::kRoundPreferFloor: return ratio <= 0.5 ? 0 : 1;
    case NearestRounding::kRoundPreferCeil: return ratio < 0.5 ? 0 : 1;
    case NearestRounding::kFloor: return 0;
    case NearestRounding::kCeil: return 1;
    case NearestRounding::kSimple: return scale < 1.0 ? 1 : 0;
  }
  return 0;
}

void cubic_weights(double r, double a, double* w) {
  const double x0 = r + 1, x1 = r, x2 = 1 - r, x3 = 2 - r;
  w[0] = ((a * x0 - 5 * a) * x0 + 8 * a) * x0 - 4 * a;
  w[1] = ((a + 2) * x1 - (a + 3)) * x1 * x1 + 1;
  w[2] = ((a + 2) * x2 - (a + 3)) * x2 * x2 + 1;
  w[3] = ((a * x3 - 5 * a) * x3 + 8 * a) * x3 - 4 * a;
}

AxisTaps build_taps(const ResizeAttributes& attrs, int64_t in_len, int64_t out_len, double scale, double roi_start,
                    double roi_end) {
  AxisTaps t;
  t.taps = attrs.mode == ResizeMode::kNearest ? 1 : attrs.mode == ResizeMode::kLinear ? 2 : 4;
  t.index.assign(static_cast<size_t>(out_len * t.taps), 0);
  t.weight.assign(static_cast<size_t>(out_len * t.taps), 0.0);
  t.outside.assign(static_cast<size_t>(out_len), 0);
  t.identity = in_len == out_len;
  for (int64_t j = 0; j < out_len; ++j) {
    const double x = resize_source_coordinate(attrs.transform, static_cast<double>(j), in_len, out_len, scale,
                                              roi_start, roi_end);
    int64_t* idx = &t.index[j * t.taps];
    double* w = &t.weight[j * t.taps];
    if (attrs.transform == CoordinateTransform::kTfCropAndResize && (x < 0 || x > static_cast<double>(in_len - 1))) {
      t.outside[j] = 1;
      t.identity = false;
      continue;
    }
    // Lower neighbour and ratio in (0, 1], as the ONNX reference picks them.
    int64_t base = static_cast<int64_t>(std::floor(x));
    double ratio = x - static_cast<double>(base);
    if (ratio == 0.0) {
      base -= 1;
      ratio = 1.0;
    }
    int64_t first = base;  // unclamped index of tap 0
    if (attrs.mode == ResizeMode::kNearest) {
      first = base + nearest_offset(attrs.rounding, ratio, scale);
      w[0] = 1.0;
    } else if (attrs.mode == ResizeMode::kLinear) {
      w[0] = 1.0 - ratio;
      w[1] = ratio;
    } else {
      first = base - 1;
      cubic_weights(ratio, attrs.cubic_coeff_a, w);
    }
    double sum = 0.0;
    for (int k = 0; k < t.taps; ++k) {
      const int64_t raw = first + k;
      if (attrs.exclude_outside && (raw < 0 || raw >= in_len)) w[k] = 0.0;
      sum += w[k];
      idx[k] = std::clamp<int64_t>(raw, 0, in_len - 1);
    }
    if (attrs.exclude_outside && sum != 0.0)
      for (int k = 0; k < t.taps; ++k) w[k] /= sum;
    bool reads_j = false;
    for (int k = 0; k < t.taps; ++k) reads_j = reads_j || (w[k] == 1.0 && idx[k] == j);
    t.identity = t.identity && reads_j;
  }
  return t;
}

template <typename T>
T from_double(double v) {
  if constexpr (std::is_same_v<T, Half>) return float_to_half(static_cast<float>(v));
  else if constexpr (std::is_same_v<T, bool>) return v != 0.0;
  else if constexpr (std::is_floating_point_v<T>) return static_cast<T>(v);
  else return static_cast<T>(std::nearbyint(v));
}

// Integer upsample of the last two axes: each input row is widened once, then copied.
template <typename T>
bool try_integer_nearest_2d(const Tensor& in, Tensor& out, const std::vector<AxisTaps>& taps) {
  const size_t rank = in.rank();
  if (rank < 2) return false;
  for (size_t d = 0; d + 2 < rank; ++d)
    if (!taps[d].identity) return false;
  int64_t factor[2];
  for (size_t a = 0; a < 2; ++a) {
    const size_t d = rank - 2 + a;
    const int64_t n = in.dim(d), m = out.dim(d);
    if (n == 0 || m % n != 0) return false;
    factor[a] = m / n;
    for (int64_t j = 0; j < m; ++j)
      if (taps[d].outside[j] || taps[d].index[j] != j / factor[a]) return false;
  }
  const int64_t h = in.dim(rank - 2), w = in.dim(rank - 1);
  const int64_t ow = w * factor[1];
  const int64_t planes = h == 0 || w == 0 ? 0 : in.numel() / (h * w);
  const T* src = in.data<T>();
  T* dst = out.data<T>();
  for (int64_t p = 0; p < planes; ++p)
    for (int64_t y = 0; y < h; ++y) {
      const T* row = src + (p * h + y) * w;
      T* orow = dst + (p * h + y) * factor[0] * ow;
      if (factor[1] == 2) {
        for (int64_t x = 0; x < w; ++x) orow[2 * x] = orow[2 * x + 1] = row[x];
      } else {
        for (int64_t x = 0; x < w; ++x)
          for (int64_t k = 0; k < factor[1]; ++k) orow[x * factor[1] + k] = row[x];
      }
      for (int64_t k = 1; k < factor[0]; ++k) std::memcpy(orow + k * ow, orow, static_cast<size_t>(ow) * sizeof(T));
    }
  return true;
}

// Nearest: out[o] = in[sum over axes of index_d(o_d) * stride_d], or extrapolation_value.
template <typename T>
void nearest_gather(const Tensor& in, Tensor& out, const std::vector<AxisTaps>& taps, double extrapolation) {
  const size_t rank = in.rank();
  const T* src = in.data<T>();
  T* dst = out.data<T>();
  if (rank == 0) {
    dst[0] = src[0];
    return;
  }
  std::vector<int64_t> stride(rank, 1);
  for (size_t d = rank - 1; d > 0; --d) stride[d - 1] = stride[d] * in.dim(d);
  const int64_t inner = out.dim(rank - 1);
  const AxisTaps& last = taps[rank - 1];
  std::vector<int64_t> idx(rank, 0);
  const T extrap = from_double<T>(extrapolation);
  int64_t o = 0;
  const int64_t total = out.numel();
  while (o < total) {
    int64_t base = 0;
    bool outside = false;
    for (size_t d = 0; d + 1 < rank; ++d) {
      base += taps[d].index[idx[d]] * stride[d];
      outside = outside || taps[d].outside[idx[d]];
    }
    for (int64_t j = 0; j < inner; ++j)
      dst[o + j] = outside || last.outside[j] ? extrap : src[base + last.index[j]];
    o += inner;
    for (int64_t d = static_cast<int64_t>(rank) - 2; d >= 0; --d) {
      if (++idx[d] < out.dim(d)) break;
      idx[d] = 0;
    }
  }
}

// Linear and cubic: one separable pass per resized axis, in double. Shrinking axes go first, so
// no intermediate is larger than the input or the output.
template <typename T>
void interpolate_separable(const Tensor& in, Tensor& out, const std::vector<AxisTaps>& taps, double extrapolation) {
  const size_t rank = in.rank();
  Dims cur = in.dims();
  std::vector<double> buf(in.values<T>().begin(), in.values<T>().end());
  std::vector<size_t> order;
  for (size_t d = 0; d < rank; ++d)
    if (!taps[d].identity && out.dim(d) < in.dim(d)) order.push_back(d);
  for (size_t d = 0; d < rank; ++d)
    if (!taps[d].identity && out.dim(d) >= in.dim(d)) order.push_back(d);
  for (size_t d : order) {
    const AxisTaps& t = taps[d];
    const int64_t n = cur[d], m = out.dim(d);
    int64_t outer = 1, inner = 1;
    for (size_t e = 0; e < d; ++e) outer *= cur[e];
    for (size_t e = d + 1; e < rank; ++e) inner *= cur[e];
    std::vector<double> next(static_cast<size_t>(outer * m * inner));
    if (inner == 1) {  // last axis: a dot product of taps per output element
      for (int64_t o = 0; o < outer; ++o) {
        const double* row = &buf[o * n];
        double* q = &next[o * m];
        for (int64_t j = 0; j < m; ++j) {
          if (t.outside[j]) {
            q[j] = extrapolation;
            continue;
          }
          double acc = 0.0;
          for (int k = 0; k < t.taps; ++k) acc += t.weight[j * t.taps + k] * row[t.index[j * t.taps + k]];
          q[j] = acc;
        }
      }
      buf = std::move(next);
      cur[d] = m;
      continue;
    }
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t j = 0; j < m; ++j) {
        double* q = &next[(o * m + j) * inner];
        if (t.outside[j]) {
          std::fill(q, q + inner, extrapolation);
          continue;
        }
        for (int k = 0; k < t.taps; ++k) {
          const double w = t.weight[j * t.taps + k];
          if (w == 0.0) continue;
          const double* p = &buf[(o * n + t.index[j * t.taps + k]) * inner];
          for (int64_t i = 0; i < inner; ++i) q[i] += w * p[i];
        }
      }
    buf = std::move(next);
    cur[d] = m;
  }
  T* dst = out.data<T>();
  for (size_t i = 0; i < buf.size(); ++i) dst[i] = from_double<T>(buf[i]);
}

}  // namespace

Status run_resize(CpuKernelContext& ctx) {
  FOVEA_ASSIGN_OR_RETURN(ResizeAttributes attrs, parse_resize_attributes(ctx.node(), ctx.opset()));
  const ResizeInputs which = resize_inputs(ctx.node(), ctx.opset());
  auto input_at = [&](int i) -> const Tensor* {
    return i >= 0 && ctx.has_input(static_cast<size_t>(i)) ? &ctx.input(static_cast<size_t>(i)) : nullptr;
  };
  const Tensor& in = ctx.input(0);
  FOVEA_ASSIGN_OR_RETURN(ResizeGeometry g, resize_geometry(ctx.node(), attrs, in.dims(), input_at(which.roi),
                                                           input_at(which.scales), input_at(which.sizes)));
  Tensor& out = ctx.output(0);
  if (out.dims() != g.output) return internal_error("{}: output shape disagrees with geometry", ctx.node().describe());
  if (out.numel() == 0) return Status::ok();
  std::vector<AxisTaps> taps;
  for (size_t d = 0; d < in.rank(); ++d)
    taps.push_back(build_taps(attrs, in.dim(d), out.dim(d), g.scales[d], g.roi_start[d], g.roi_end[d]));
  if (attrs.mode == ResizeMode::kNearest) {
    FOVEA_SWITCH_ALL(in.dtype(), T, {
      if (!try_integer_nearest_2d<T>(in, out, taps)) nearest_gather<T>(in, out, taps, attrs.extrapolation_value);
      return Status::ok();
    });
  } else {
    if (in.dtype() == DType::kFloat16) return run_float16_via_float32(ctx, run_resize);  // interpolates in float32
    FOVEA_SWITCH_NUMERIC(in.dtype(), T, {
      interpolate_separable<T>(in, out, taps, attrs.extrapolation_value);
      return Status::ok();
    });
  }
  return ctx.unsupported_dtype(0);
}

Status run_upsample(CpuKernelContext& ctx) { return run_resize(ctx); }

}  // namespace fovea::cpu
