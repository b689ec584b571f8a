// RoiAlign, as ONNX Runtime computes it (the ONNX test data's source): each output bin averages
// (or, in max mode, takes the max of the weighted corner values of) a grid of bilinear samples.
// Samples more than one pixel outside the image count as 0.
#include <algorithm>
#include <cmath>

#include "backends/cpu/elementwise_dispatch.h"
#include "backends/cpu/kernels.h"

namespace fovea::cpu {
namespace {

// One bilinear sample: four flat positions in an H x W plane and their weights.
struct Sample {
  int64_t pos[4] = {0, 0, 0, 0};
  double w[4] = {0, 0, 0, 0};
};

Sample bilinear_sample(double y, double x, int64_t h, int64_t w) {
  Sample s;
  if (y < -1.0 || y > static_cast<double>(h) || x < -1.0 || x > static_cast<double>(w)) return s;
  y = std::max(y, 0.0);
  x = std::max(x, 0.0);
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

// Upper bound on samples per bin axis; a box that needs more is malformed (huge coordinates).
constexpr double kMaxGrid = 1 << 12;
// Upper bound on the samples of one box (the sample table is kept for all channels).
constexpr int64_t kMaxSamples = int64_t{1} << 26;

}  // namespace

Status run_roi_align(CpuKernelContext& ctx) {
  if (has_float16_input(ctx)) return run_float16_via_float32(ctx, run_roi_align);
  const Tensor& x = ctx.input(0);
  const Tensor& rois = ctx.input(1);
  const Tensor& batch_indices = ctx.input(2);
  Tensor& y = ctx.output(0);
  FOVEA_ASSIGN_OR_RETURN(const std::string mode, ctx.node().attr_string("mode", "avg"));
  // Opset 10 had no attribute and behaved as output_half_pixel (no half-pixel offset).
  FOVEA_ASSIGN_OR_RETURN(const std::string ctm, ctx.node().attr_string("coordinate_transformation_mode",
                                                                       ctx.opset() >= 16 ? "half_pixel" : "output_half_pixel"));
  FOVEA_ASSIGN_OR_RETURN(const int64_t oh, ctx.node().attr_int("output_height", 1));
  FOVEA_ASSIGN_OR_RETURN(const int64_t ow, ctx.node().attr_int("output_width", 1));
  FOVEA_ASSIGN_OR_RETURN(const int64_t ratio, ctx.node().attr_int("sampling_ratio", 0));
  FOVEA_ASSIGN_OR_RETURN(const float scale, ctx.node().attr_float("spatial_scale", 1.f));
  const bool half_pixel = ctm == "half_pixel", use_max = mode == "max";
  const int64_t n = x.dim(0), c = x.dim(1), h = x.dim(2), w = x.dim(3);
  const int64_t num_rois = rois.dim(0);
  if (h == 0 || w == 0) return Status::ok();  // nothing to sample: zeros
  FOVEA_SWITCH_FLOAT(x.dtype(), T, {
    const T* src = x.data<T>();
    const T* box = rois.data<T>();
    T* dst = y.data<T>();
    for (int64_t r = 0; r < num_rois; ++r) {
      const int64_t b = batch_indices.int_at(r);
      if (b < 0 || b >= n) return ctx.error("batch index {} is out of range for a batch of {}", b, n);
      const double offset = half_pixel ? 0.5 : 0.0;
      const double start_w = box[r * 4] * static_cast<double>(scale) - offset;
      const double start_h = box[r * 4 + 1] * static_cast<double>(scale) - offset;
      double roi_w = box[r * 4 + 2] * static_cast<double>(scale) - offset - start_w;
      double roi_h = box[r * 4 + 3] * static_cast<double>(scale) - offset - start_h;
      if (!half_pixel) {
        roi_w = std::max(roi_w, 1.0);
        roi_h = std::max(roi_h, 1.0);
      }
      const double bin_h = roi_h / static_cast<double>(oh), bin_w = roi_w / static_cast<double>(ow);
      const double grid_hd = ratio > 0 ? static_cast<double>(ratio) : std::ceil(bin_h);
      const double grid_wd = ratio > 0 ? static_cast<double>(ratio) : std::ceil(bin_w);
      if (!(grid_hd <= kMaxGrid && grid_wd <= kMaxGrid) || !std::isfinite(start_h) || !std::isfinite(start_w))
        return ctx.error("region of interest {} is too large or not finite", r);
      const int64_t grid_h = std::max<int64_t>(0, static_cast<int64_t>(grid_hd));
      const int64_t grid_w = std::max<int64_t>(0, static_cast<int64_t>(grid_wd));
      const double count = static_cast<double>(std::max<int64_t>(grid_h * grid_w, 1));
      if (static_cast<double>(oh) * static_cast<double>(ow) * static_cast<double>(grid_h * grid_w) > kMaxSamples)
        return ctx.error("region of interest {} needs too many samples", r);
      // The samples are the same for every channel.
      std::vector<Sample> samples;
      samples.reserve(static_cast<size_t>(oh * ow * grid_h * grid_w));
      for (int64_t ph = 0; ph < oh; ++ph)
        for (int64_t pw = 0; pw < ow; ++pw)
          for (int64_t iy = 0; iy < grid_h; ++iy)
            for (int64_t ix = 0; ix < grid_w; ++ix) {
              const double yy = start_h + ph * bin_h + (iy + 0.5) * bin_h / static_cast<double>(grid_h);
              const double xx = start_w + pw * bin_w + (ix + 0.5) * bin_w / static_cast<double>(grid_w);
              samples.push_back(bilinear_sample(yy, xx, h, w));
            }
      const int64_t per_bin = grid_h * grid_w;
      for (int64_t ch = 0; ch < c; ++ch) {
        const T* plane = src + (b * c + ch) * h * w;
        T* out = dst + (r * c + ch) * oh * ow;
        for (int64_t bin = 0; bin < oh * ow; ++bin) {
          double acc = 0;
          bool any = false;
          for (int64_t k = 0; k < per_bin; ++k) {
            const Sample& s = samples[static_cast<size_t>(bin * per_bin + k)];
            if (use_max) {
              double v = s.w[0] * plane[s.pos[0]];
              for (int q = 1; q < 4; ++q) v = std::max(v, s.w[q] * static_cast<double>(plane[s.pos[q]]));
              acc = any ? std::max(acc, v) : v;
              any = true;
            } else {
              for (int q = 0; q < 4; ++q) acc += s.w[q] * static_cast<double>(plane[s.pos[q]]);
            }
          }
          out[bin] = static_cast<T>(use_max ? acc : acc / count);
        }
      }
    }
    return Status::ok();
  });
  return ctx.unsupported_dtype(0);
}

}  // namespace fovea::cpu
