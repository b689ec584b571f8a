// GridSample and RoiAlign: one thread per output element, double arithmetic mirroring the CPU
// reference line by line (src/backends/cpu/grid_sample.cpp, roi_align.cpp).
#include "backends/cuda/kernels/spatial_sampling.h"

#include "backends/cuda/kernels/device_common.cuh"

namespace fovea::cuda::kernels {
namespace {

__device__ __forceinline__ double load_any(ScalarKind kind, const void* p, int64_t i) {
  if (kind == ScalarKind::kF16) return __half2float(static_cast<const __half*>(p)[i]);
  return static_cast<const float*>(p)[i];
}

__device__ __forceinline__ int64_t clamp_i(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : (v > hi ? hi : v); }
__device__ __forceinline__ double clamp_d(double v, double lo, double hi) { return v < lo ? lo : (v > hi ? hi : v); }

// Reflects x into [lo, hi] by the nearer border, repeatedly.
__device__ double reflect(double x, double lo, double hi) {
  const double range = hi - lo;
  if (range <= 0) return lo;
  if (x < lo) {
    const double dx = lo - x;
    const double n = floor(dx / range), r = dx - n * range;
    return fmod(n, 2.0) == 0 ? lo + r : hi - r;
  }
  if (x > hi) {
    const double dx = x - hi;
    const double n = floor(dx / range), r = dx - n * range;
    return fmod(n, 2.0) == 0 ? hi - r : lo + r;
  }
  return x;
}

// Keys cubic convolution coefficients, alpha = -0.75.
__device__ void cubic_coeffs(double t, double c[4]) {
  constexpr double a = -0.75;
  t = fabs(t);
  c[0] = ((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) - 4 * a;
  c[1] = ((a + 2) * t - (a + 3)) * t * t + 1;
  c[2] = ((a + 2) * (1 - t) - (a + 3)) * (1 - t) * (1 - t) + 1;
  c[3] = ((a * (2 - t) - 5 * a) * (2 - t) + 8 * a) * (2 - t) - 4 * a;
}

struct Sampler {
  const GridSampleParams& p;
  double x_min, x_max, y_min, y_max;

  template <typename T>
  __device__ double pixel(const T* img, int64_t r, int64_t c) const {
    if (p.padding == GridSamplePadding::kZeros) {
      if (r < 0 || r >= p.h || c < 0 || c >= p.w) return 0.0;
    } else if (p.padding == GridSamplePadding::kBorder) {
      r = clamp_i(r, 0, p.h - 1);
      c = clamp_i(c, 0, p.w - 1);
    } else {
      c = static_cast<int64_t>(reflect(static_cast<double>(c), x_min, x_max));
      r = static_cast<int64_t>(reflect(static_cast<double>(r), y_min, y_max));
      r = clamp_i(r, 0, p.h - 1);
      c = clamp_i(c, 0, p.w - 1);
    }
    return load_float(img, r * p.w + c);
  }

  template <typename T>
  __device__ double sample(const T* img, double nx, double ny) const {
    if (isnan(nx) || isnan(ny) || p.h == 0 || p.w == 0) return 0.0;
    if (p.padding == GridSamplePadding::kReflection && (!isfinite(nx) || !isfinite(ny))) return 0.0;
    const double w = static_cast<double>(p.w), h = static_cast<double>(p.h);
    double x = p.align_corners ? (nx + 1) / 2 * (w - 1) : ((nx + 1) * w - 1) / 2;
    double y = p.align_corners ? (ny + 1) / 2 * (h - 1) : ((ny + 1) * h - 1) / 2;
    const double far = 4.0 * (p.h > p.w ? h : w) + 8;
    if (p.padding != GridSamplePadding::kReflection) {
      x = clamp_d(x, -far, far);
      y = clamp_d(y, -far, far);
    }
    if (p.mode == GridSampleMode::kNearest) {
      x = rint(x);
      y = rint(y);
    }
    if (x < x_min || x > x_max || y < y_min || y > y_max) {
      if (p.padding == GridSamplePadding::kBorder) {
        x = clamp_d(x, 0.0, w - 1);
        y = clamp_d(y, 0.0, h - 1);
      } else if (p.padding == GridSamplePadding::kReflection) {
        x = reflect(x, x_min, x_max);
        y = reflect(y, y_min, y_max);
      }
    }
    if (p.mode == GridSampleMode::kNearest) return pixel(img, static_cast<int64_t>(y), static_cast<int64_t>(x));
    if (p.mode == GridSampleMode::kBilinear) {
      const int64_t x1 = static_cast<int64_t>(floor(x)), y1 = static_cast<int64_t>(floor(y));
      const double dx1 = x - static_cast<double>(x1), dy1 = y - static_cast<double>(y1);
      const double dx2 = 1 - dx1, dy2 = 1 - dy1;
      return dy2 * (dx2 * pixel(img, y1, x1) + dx1 * pixel(img, y1, x1 + 1)) +
             dy1 * (dx2 * pixel(img, y1 + 1, x1) + dx1 * pixel(img, y1 + 1, x1 + 1));
    }
    const int64_t x0 = static_cast<int64_t>(floor(x)) - 1, y0 = static_cast<int64_t>(floor(y)) - 1;
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

template <typename T>
__global__ void grid_sample_kernel(const T* x, const void* grid, T* y, GridSampleParams p) {
  Sampler s{p, 0, 0, 0, 0};
  s.x_min = p.align_corners ? 0.0 : -0.5;
  s.y_min = s.x_min;
  s.x_max = p.align_corners ? static_cast<double>(p.w - 1) : static_cast<double>(p.w) - 0.5;
  s.y_max = p.align_corners ? static_cast<double>(p.h - 1) : static_cast<double>(p.h) - 0.5;
  const int64_t out_plane = p.oh * p.ow;
  FOVEA_GRID_STRIDE_LOOP(i, p.n * p.c * out_plane) {
    const int64_t pos = i % out_plane;
    const int64_t ch = (i / out_plane) % p.c;
    const int64_t b = i / (out_plane * p.c);
    const double gx = load_any(p.grid_kind, grid, (b * out_plane + pos) * 2);
    const double gy = load_any(p.grid_kind, grid, (b * out_plane + pos) * 2 + 1);
    store_float(y, i, static_cast<float>(s.sample(x + (b * p.c + ch) * p.h * p.w, gx, gy)));
  }
}

struct BilinearSample {
  int64_t pos[4] = {0, 0, 0, 0};
  double w[4] = {0, 0, 0, 0};
};

__device__ BilinearSample bilinear_sample(double y, double x, int64_t h, int64_t w) {
  BilinearSample s;
  if (y < -1.0 || y > static_cast<double>(h) || x < -1.0 || x > static_cast<double>(w)) return s;
  y = y > 0.0 ? y : 0.0;
  x = x > 0.0 ? x : 0.0;
  int64_t y_low = static_cast<int64_t>(y), x_low = static_cast<int64_t>(x), y_high, x_high;
  if (y_low >= h - 1) {
    y_high = y_low = h - 1;
    y = static_cast<double>(y_low);
  } else {
    y_high = y_low + 1;
  }
  if (x_low >= w - 1) {
    x_high = x_low = w - 1;
    x = static_cast<double>(x_low);
  } else {
    x_high = x_low + 1;
  }
  const double ly = y - static_cast<double>(y_low), lx = x - static_cast<double>(x_low);
  const double hy = 1 - ly, hx = 1 - lx;
  s.pos[0] = y_low * w + x_low;
  s.pos[1] = y_low * w + x_high;
  s.pos[2] = y_high * w + x_low;
  s.pos[3] = y_high * w + x_high;
  s.w[0] = hy * hx;
  s.w[1] = hy * lx;
  s.w[2] = ly * hx;
  s.w[3] = ly * lx;
  return s;
}

template <typename T>
__global__ void roi_align_kernel(const T* x, const void* rois, const void* batch_indices, T* y, RoiAlignParams p) {
  constexpr double kMaxGrid = 1 << 12;
  const int64_t bins = p.oh * p.ow;
  FOVEA_GRID_STRIDE_LOOP(i, p.num_rois * p.c * bins) {
    const int64_t bin = i % bins;
    const int64_t ch = (i / bins) % p.c;
    const int64_t r = i / (bins * p.c);
    const int64_t ph = bin / p.ow, pw = bin % p.ow;
    const int64_t b = p.index_kind == ScalarKind::kI32 ? static_cast<const int32_t*>(batch_indices)[r]
                                                       : static_cast<const int64_t*>(batch_indices)[r];
    const double scale = p.spatial_scale, offset = p.half_pixel ? 0.5 : 0.0;
    const double start_w = load_any(p.rois_kind, rois, r * 4) * scale - offset;
    const double start_h = load_any(p.rois_kind, rois, r * 4 + 1) * scale - offset;
    double roi_w = load_any(p.rois_kind, rois, r * 4 + 2) * scale - offset - start_w;
    double roi_h = load_any(p.rois_kind, rois, r * 4 + 3) * scale - offset - start_h;
    if (!p.half_pixel) {
      roi_w = roi_w > 1.0 ? roi_w : 1.0;
      roi_h = roi_h > 1.0 ? roi_h : 1.0;
    }
    const double bin_h = roi_h / static_cast<double>(p.oh), bin_w = roi_w / static_cast<double>(p.ow);
    const double grid_hd = p.sampling_ratio > 0 ? static_cast<double>(p.sampling_ratio) : ceil(bin_h);
    const double grid_wd = p.sampling_ratio > 0 ? static_cast<double>(p.sampling_ratio) : ceil(bin_w);
    double acc = 0;
    if (b >= 0 && b < p.n && p.h > 0 && p.w > 0 && grid_hd <= kMaxGrid && grid_wd <= kMaxGrid && isfinite(start_h) &&
        isfinite(start_w)) {
      const int64_t grid_h = grid_hd > 0 ? static_cast<int64_t>(grid_hd) : 0;
      const int64_t grid_w = grid_wd > 0 ? static_cast<int64_t>(grid_wd) : 0;
      const double count = static_cast<double>(grid_h * grid_w > 1 ? grid_h * grid_w : 1);
      const T* plane = x + (b * p.c + ch) * p.h * p.w;
      bool any = false;
      for (int64_t iy = 0; iy < grid_h; ++iy)
        for (int64_t ix = 0; ix < grid_w; ++ix) {
          const double yy = start_h + ph * bin_h + (iy + 0.5) * bin_h / static_cast<double>(grid_h);
          const double xx = start_w + pw * bin_w + (ix + 0.5) * bin_w / static_cast<double>(grid_w);
          const BilinearSample s = bilinear_sample(yy, xx, p.h, p.w);
          if (p.max_mode) {
            double v = s.w[0] * load_float(plane, s.pos[0]);
            for (int q = 1; q < 4; ++q) v = fmax(v, s.w[q] * static_cast<double>(load_float(plane, s.pos[q])));
            acc = any ? fmax(acc, v) : v;
            any = true;
          } else {
            for (int q = 0; q < 4; ++q) acc += s.w[q] * static_cast<double>(load_float(plane, s.pos[q]));
          }
        }
      if (!p.max_mode) acc /= count;
    }
    store_float(y, i, static_cast<float>(acc));
  }
}

}  // namespace

bool grid_sample_supports(ScalarKind k) { return k == ScalarKind::kF32 || k == ScalarKind::kF16; }
bool roi_align_supports(ScalarKind k) { return k == ScalarKind::kF32 || k == ScalarKind::kF16; }

cudaError_t launch_grid_sample(const GridSampleParams& p, const void* x, const void* grid, void* y, cudaStream_t stream) {
  const int64_t total = p.n * p.c * p.oh * p.ow;
  if (total == 0) return cudaSuccess;
  if (p.x_kind == ScalarKind::kF16)
    grid_sample_kernel<<<blocks_for(total), kThreadsPerBlock, 0, stream>>>(static_cast<const __half*>(x), grid,
                                                                           static_cast<__half*>(y), p);
  else
    grid_sample_kernel<<<blocks_for(total), kThreadsPerBlock, 0, stream>>>(static_cast<const float*>(x), grid,
                                                                           static_cast<float*>(y), p);
  return cudaGetLastError();
}

cudaError_t launch_roi_align(const RoiAlignParams& p, const void* x, const void* rois, const void* batch_indices,
                             void* y, cudaStream_t stream) {
  const int64_t total = p.num_rois * p.c * p.oh * p.ow;
  if (total == 0) return cudaSuccess;
  if (p.x_kind == ScalarKind::kF16)
    roi_align_kernel<<<blocks_for(total), kThreadsPerBlock, 0, stream>>>(static_cast<const __half*>(x), rois,
                                                                         batch_indices, static_cast<__half*>(y), p);
  else
    roi_align_kernel<<<blocks_for(total), kThreadsPerBlock, 0, stream>>>(static_cast<const float*>(x), rois,
                                                                         batch_indices, static_cast<float*>(y), p);
  return cudaGetLastError();
}

}  // namespace fovea::cuda::kernels
