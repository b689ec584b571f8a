// GridSample, following ONNX Runtime's reference kernel (which the ONNX test data matches):
// denormalize, nearest rounds half to even, out-of-bound locations are clamped (border) or
// reflected (reflection) before interpolation, and pixels are fetched with the padding mode.
// Math is done in double; NaN locations (and infinite ones under reflection) sample as 0.
#include <algorithm>
#include <cmath>

#include "backends/cpu/elementwise_dispatch.h"
#include "backends/cpu/kernels.h"

namespace fovea::cpu {
namespace {

enum class Mode { kBilinear, kNearest, kBicubic };
enum class Padding { kZeros, kBorder, kReflection };

// Reflects x into [lo, hi] by the nearer border, repeatedly.
double reflect(double x, double lo, double hi) {
  const double range = hi - lo;
  if (range <= 0) return lo;
  if (x < lo) {
    const double dx = lo - x;
    const double n = std::floor(dx / range), r = dx - n * range;
    return std::fmod(n, 2.0) == 0 ? lo + r : hi - r;
  }
  if (x > hi) {
    const double dx = x - hi;
    const double n = std::floor(dx / range), r = dx - n * range;
    return std::fmod(n, 2.0) == 0 ? hi - r : lo + r;
  }
  return x;
}

// Keys cubic convolution coefficients, alpha = -0.75.
void cubic_coeffs(double t, double c[4]) {
  constexpr double a = -0.75;
  t = std::fabs(t);
  c[0] = ((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) - 4 * a;
  c[1] = ((a + 2) * t - (a + 3)) * t * t + 1;
  c[2] = ((a + 2) * (1 - t) - (a + 3)) * (1 - t) * (1 - t) + 1;
  c[3] = ((a * (2 - t) - 5 * a) * (2 - t) + 8 * a) * (2 - t) - 4 * a;
}

struct Sampler {
  Mode mode;
  Padding padding;
  bool align;
  int64_t h, w;
  double x_min, x_max, y_min, y_max;  // borders used for the bound test and reflection

  // Pixel (r, c) of one image plane, with the padding mode for outside positions.
  template <typename T>
  double pixel(const T* img, int64_t r, int64_t c) const {
    if (padding == Padding::kZeros) {
      if (r < 0 || r >= h || c < 0 || c >= w) return 0.0;
    } else if (padding == Padding::kBorder) {
      r = std::clamp<int64_t>(r, 0, h - 1);
      c = std::clamp<int64_t>(c, 0, w - 1);
    } else {
      c = static_cast<int64_t>(reflect(static_cast<double>(c), x_min, x_max));
      r = static_cast<int64_t>(reflect(static_cast<double>(r), y_min, y_max));
      r = std::clamp<int64_t>(r, 0, h - 1);  // reflection lands inside; guards rounding
      c = std::clamp<int64_t>(c, 0, w - 1);
    }
    return static_cast<double>(img[r * w + c]);
  }

  template <typename T>
  double sample(const T* img, double nx, double ny) const {
    if (std::isnan(nx) || std::isnan(ny) || h == 0 || w == 0) return 0.0;
    if (padding == Padding::kReflection && (!std::isfinite(nx) || !std::isfinite(ny))) return 0.0;
    double x = align ? (nx + 1) / 2 * static_cast<double>(w - 1) : ((nx + 1) * static_cast<double>(w) - 1) / 2;
    double y = align ? (ny + 1) / 2 * static_cast<double>(h - 1) : ((ny + 1) * static_cast<double>(h) - 1) / 2;
    // Far-away locations behave like any location past the border; keep int64 conversions defined.
    const double far = 4.0 * static_cast<double>(std::max(h, w)) + 8;
    if (padding != Padding::kReflection) {
      x = std::clamp(x, -far, far);
      y = std::clamp(y, -far, far);
    }
    if (mode == Mode::kNearest) {
      x = std::nearbyint(x);
      y = std::nearbyint(y);
    }
    if (x < x_min || x > x_max || y < y_min || y > y_max) {
      if (padding == Padding::kBorder) {
        x = std::clamp(x, 0.0, static_cast<double>(w - 1));
        y = std::clamp(y, 0.0, static_cast<double>(h - 1));
      } else if (padding == Padding::kReflection) {
        x = reflect(x, x_min, x_max);
        y = reflect(y, y_min, y_max);
      }
    }
    if (mode == Mode::kNearest) return pixel(img, static_cast<int64_t>(y), static_cast<int64_t>(x));
    if (mode == Mode::kBilinear) {
      const int64_t x1 = static_cast<int64_t>(std::floor(x)), y1 = static_cast<int64_t>(std::floor(y));
      const double dx1 = x - static_cast<double>(x1), dy1 = y - static_cast<double>(y1);
      const double dx2 = 1 - dx1, dy2 = 1 - dy1;
      return dy2 * (dx2 * pixel(img, y1, x1) + dx1 * pixel(img, y1, x1 + 1)) +
             dy1 * (dx2 * pixel(img, y1 + 1, x1) + dx1 * pixel(img, y1 + 1, x1 + 1));
    }
    const int64_t x0 = static_cast<int64_t>(std::floor(x)) - 1, y0 = static_cast<int64_t>(std::floor(y)) - 1;
    double cx[4], cy[4];
    cubic_coeffs(x - static_cast<double>(x0) - 1, cx);
    cubic_coeffs(y - static_cast<double>(y0) - 1, cy);
    double result = 0;
    for (int64_t i = 0; i < 4; ++i) {
      double row = 0;
      for (int64_t j = 0; j < 4; ++j) row += cx[j] * pixel(img, y0 + i, x0 + j);
      result += cy[i] * row;
    }
    return result;
  }
};

}  // namespace

Status run_grid_sample(CpuKernelContext& ctx) {
  if (has_float16_input(ctx)) return run_float16_via_float32(ctx, run_grid_sample);
  const Tensor& x = ctx.input(0);
  const Tensor& grid = ctx.input(1);
  Tensor& y = ctx.output(0);
  FOVEA_ASSIGN_OR_RETURN(const std::string mode, ctx.node().attr_string("mode", "bilinear"));
  FOVEA_ASSIGN_OR_RETURN(const std::string padding, ctx.node().attr_string("padding_mode", "zeros"));
  FOVEA_ASSIGN_OR_RETURN(const int64_t align, ctx.node().attr_int("align_corners", 0));
  Sampler s;
  s.mode = mode == "nearest" ? Mode::kNearest : mode == "bicubic" ? Mode::kBicubic : Mode::kBilinear;
  s.padding = padding == "border" ? Padding::kBorder : padding == "reflection" ? Padding::kReflection : Padding::kZeros;
  s.align = align != 0;
  s.h = x.dim(2);
  s.w = x.dim(3);
  s.x_min = s.align ? 0.0 : -0.5;
  s.y_min = s.x_min;
  s.x_max = s.align ? static_cast<double>(s.w - 1) : static_cast<double>(s.w) - 0.5;
  s.y_max = s.align ? static_cast<double>(s.h - 1) : static_cast<double>(s.h) - 0.5;
  const int64_t n = x.dim(0), c = x.dim(1), oh = grid.dim(1), ow = grid.dim(2);
  const int64_t plane = s.h * s.w, out_plane = oh * ow;
  FOVEA_SWITCH_FLOAT(x.dtype(), T, {
    const T* src = x.data<T>();
    T* dst = y.data<T>();
    for (int64_t b = 0; b < n; ++b)
      for (int64_t p = 0; p < out_plane; ++p) {
        const double gx = grid.double_at((b * out_plane + p) * 2), gy = grid.double_at((b * out_plane + p) * 2 + 1);
        for (int64_t ch = 0; ch < c; ++ch)
          dst[(b * c + ch) * out_plane + p] = static_cast<T>(s.sample(src + (b * c + ch) * plane, gx, gy));
      }
    return Status::ok();
  });
  return ctx.unsupported_dtype(0);
}

}  // namespace fovea::cpu
