#include "ops/resize_geometry.h"

#include <algorithm>
#include <cmath>

namespace fovea {
namespace {

constexpr double kMaxOutputDim = 1e15;  // far above any allocatable size, far below int64 overflow

Result<ResizeMode> parse_mode(const Node& node, const std::string& s, bool cubic_allowed) {
  if (s == "nearest") return ResizeMode::kNearest;
  if (s == "linear" || s == "bilinear" || s == "trilinear") return ResizeMode::kLinear;
  if (s == "cubic" && cubic_allowed) return ResizeMode::kCubic;
  return invalid_argument("{}: unknown mode '{}'", node.describe(), s);
}

Result<CoordinateTransform> parse_transform(const Node& node, const std::string& s) {
  if (s == "half_pixel") return CoordinateTransform::kHalfPixel;
  if (s == "half_pixel_symmetric") return CoordinateTransform::kHalfPixelSymmetric;
  if (s == "pytorch_half_pixel") return CoordinateTransform::kPytorchHalfPixel;
  if (s == "align_corners") return CoordinateTransform::kAlignCorners;
  if (s == "asymmetric") return CoordinateTransform::kAsymmetric;
  if (s == "tf_half_pixel_for_nn") return CoordinateTransform::kTfHalfPixelForNN;
  if (s == "tf_crop_and_resize") return CoordinateTransform::kTfCropAndResize;
  return invalid_argument("{}: unknown coordinate_transformation_mode '{}'", node.describe(), s);
}

Result<NearestRounding> parse_rounding(const Node& node, const std::string& s) {
  if (s == "round_prefer_floor") return NearestRounding::kRoundPreferFloor;
  if (s == "round_prefer_ceil") return NearestRounding::kRoundPreferCeil;
  if (s == "floor") return NearestRounding::kFloor;
  if (s == "ceil") return NearestRounding::kCeil;
  return invalid_argument("{}: unknown nearest_mode '{}'", node.describe(), s);
}

Result<AspectRatioPolicy> parse_policy(const Node& node, const std::string& s) {
  if (s == "stretch") return AspectRatioPolicy::kStretch;
  if (s == "not_larger") return AspectRatioPolicy::kNotLarger;
  if (s == "not_smaller") return AspectRatioPolicy::kNotSmaller;
  return invalid_argument("{}: unknown keep_aspect_ratio_policy '{}'", node.describe(), s);
}

bool is_empty(const Tensor* t) { return !t || t->numel() == 0; }

}  // namespace

ResizeInputs resize_inputs(const Node& node, int64_t opset) {
  if (node.op_type == "Upsample") return opset >= 9 ? ResizeInputs{-1, 1, -1} : ResizeInputs{};
  if (opset < 11) return ResizeInputs{-1, 1, -1};
  return ResizeInputs{1, 2, 3};
}

Result<ResizeAttributes> parse_resize_attributes(const Node& node, int64_t opset) {
  ResizeAttributes a;
  FOVEA_ASSIGN_OR_RETURN(std::string mode, node.attr_string("mode", "nearest"));
  const bool legacy = node.op_type == "Upsample" || opset < 11;
  FOVEA_ASSIGN_OR_RETURN(a.mode, parse_mode(node, mode, !legacy));
  if (legacy) {
    // Upsample and Resize-10 map coordinates as x / scale.
    a.transform = CoordinateTransform::kAsymmetric;
    a.rounding = NearestRounding::kSimple;
    if (node.op_type == "Upsample" && opset < 9) {
      if (!node.has_attribute("scales")) return invalid_argument("{}: attribute scales is required", node.describe());
      FOVEA_ASSIGN_OR_RETURN(a.upsample_scales, node.attr_floats("scales"));
    }
    return a;
  }
  FOVEA_ASSIGN_OR_RETURN(std::string transform, node.attr_string("coordinate_transformation_mode", "half_pixel"));
  FOVEA_ASSIGN_OR_RETURN(a.transform, parse_transform(node, transform));
  FOVEA_ASSIGN_OR_RETURN(std::string rounding, node.attr_string("nearest_mode", "round_prefer_floor"));
  FOVEA_ASSIGN_OR_RETURN(a.rounding, parse_rounding(node, rounding));
  FOVEA_ASSIGN_OR_RETURN(float cubic_a, node.attr_float("cubic_coeff_a", -0.75f));
  a.cubic_coeff_a = cubic_a;
  FOVEA_ASSIGN_OR_RETURN(int64_t exclude, node.attr_int("exclude_outside", 0));
  if (exclude != 0 && exclude != 1) return invalid_argument("{}: exclude_outside must be 0 or 1", node.describe());
  a.exclude_outside = exclude == 1;
  FOVEA_ASSIGN_OR_RETURN(float extrapolation, node.attr_float("extrapolation_value", 0.0f));
  a.extrapolation_value = extrapolation;
  FOVEA_ASSIGN_OR_RETURN(int64_t antialias, node.attr_int("antialias", 0));
  if (antialias != 0) return unsupported("{}: antialias=1 is not supported", node.describe());
  if (opset < 18 && (node.has_attribute("axes") || node.has_attribute("keep_aspect_ratio_policy")))
    return invalid_argument("{}: axes and keep_aspect_ratio_policy need opset 18", node.describe());
  FOVEA_ASSIGN_OR_RETURN(std::string policy, node.attr_string("keep_aspect_ratio_policy", "stretch"));
  FOVEA_ASSIGN_OR_RETURN(a.policy, parse_policy(node, policy));
  FOVEA_ASSIGN_OR_RETURN(a.axes, node.attr_ints("axes"));
  return a;
}

double resize_source_coordinate(CoordinateTransform t, double x, int64_t in_len, int64_t out_len, double scale,
                                double roi_start, double roi_end) {
  // Like the ONNX reference, the resized length is scale * in_len, not the rounded output length.
  const double out_width = scale * static_cast<double>(in_len);
  const bool single = std::abs(out_width - 1.0) < 1e-9;
  const double in = static_cast<double>(in_len);
  switch (t) {
    case CoordinateTransform::kHalfPixel: return (x + 0.5) / scale - 0.5;
    case CoordinateTransform::kHalfPixelSymmetric: {
      const double adjustment = static_cast<double>(out_len) / out_width;
      const double offset = in / 2.0 * (1.0 - adjustment);
      return offset + (x + 0.5) / scale - 0.5;
    }
    case CoordinateTransform::kPytorchHalfPixel: return single ? -0.5 : (x + 0.5) / scale - 0.5;
    case CoordinateTransform::kAlignCorners: return single ? 0.0 : x * (in - 1.0) / (out_width - 1.0);
    case CoordinateTransform::kAsymmetric: return x / scale;
    case CoordinateTransform::kTfHalfPixelForNN: return (x + 0.5) / scale;
    case CoordinateTransform::kTfCropAndResize: {
      const double span = (roi_end - roi_start) * (in - 1.0);
      return (single ? span / 2.0 : x * span / (out_width - 1.0)) + roi_start * (in - 1.0);
    }
  }
  return x;
}

Result<ResizeGeometry> resize_geometry(const Node& node, const ResizeAttributes& attrs, const Dims& input,
                                       const Tensor* roi, const Tensor* scales, const Tensor* sizes) {
  const int64_t rank = static_cast<int64_t>(input.size());
  std::vector<int64_t> axes;
  std::vector<bool> listed(static_cast<size_t>(rank), false);
  if (attrs.axes.empty()) {
    for (int64_t d = 0; d < rank; ++d) axes.push_back(d);
  } else {
    for (int64_t a : attrs.axes) {
      FOVEA_ASSIGN_OR_RETURN(int64_t d, normalize_axis(a, rank, node.describe() + " axes"));
      if (listed[d]) return invalid_argument("{}: axis {} appears twice in axes", node.describe(), a);
      listed[d] = true;
      axes.push_back(d);
    }
  }
  const size_t n = axes.size();

  ResizeGeometry g;
  g.output = input;
  g.scales.assign(static_cast<size_t>(rank), 1.0);
  g.roi_start.assign(static_cast<size_t>(rank), 0.0);
  g.roi_end.assign(static_cast<size_t>(rank), 1.0);

  std::vector<double> scale_values;
  if (!attrs.upsample_scales.empty()) {
    for (float s : attrs.upsample_scales) scale_values.push_back(s);
  } else if (!is_empty(scales)) {
    if (!dtype_is_float(scales->dtype()) || scales->dtype() == DType::kFloat16)
      return invalid_argument("{}: scales must be float, got {}", node.describe(), dtype_name(scales->dtype()));
    for (int64_t i = 0; i < scales->numel(); ++i) scale_values.push_back(scales->double_at(i));
  }
  const bool use_sizes = !is_empty(sizes);
  if (use_sizes && !scale_values.empty())
    return invalid_argument("{}: only one of scales and sizes may be given", node.describe());
  if (!use_sizes && scale_values.empty())
    return invalid_argument("{}: one of scales and sizes must be given", node.describe());

  if (use_sizes) {
    if (sizes->dtype() != DType::kInt64)
      return invalid_argument("{}: sizes must be int64, got {}", node.describe(), dtype_name(sizes->dtype()));
    if (sizes->rank() != 1 || static_cast<size_t>(sizes->numel()) != n)
      return invalid_argument("{}: sizes has shape {}, expected [{}]", node.describe(), dims_to_string(sizes->dims()), n);
    std::vector<int64_t> sz = sizes->to_int64_vector();
    for (int64_t s : sz)
      if (s < 0) return invalid_argument("{}: sizes must be >= 0, got {}", node.describe(), s);
    if (attrs.policy == AspectRatioPolicy::kStretch) {
      for (size_t i = 0; i < n; ++i) {
        const int64_t d = axes[i], in = input[d];
        g.output[d] = sz[i];
        g.scales[d] = in > 0 ? static_cast<double>(sz[i]) / static_cast<double>(in) : 1.0;
      }
    } else {
      bool all_known = true;
      double scale = attrs.policy == AspectRatioPolicy::kNotLarger ? INFINITY : 0.0;
      for (size_t i = 0; i < n; ++i) {
        const int64_t in = input[axes[i]];
        if (in < 0) { all_known = false; continue; }
        if (in == 0) return invalid_argument("{}: cannot keep the aspect ratio of an empty axis", node.describe());
        const double s = static_cast<double>(sz[i]) / static_cast<double>(in);
        scale = attrs.policy == AspectRatioPolicy::kNotLarger ? std::min(scale, s) : std::max(scale, s);
      }
      for (size_t i = 0; i < n; ++i) {
        const int64_t d = axes[i];
        g.scales[d] = scale;
        const double out = std::floor(scale * static_cast<double>(input[d]) + 0.5);
        if (out > kMaxOutputDim) return invalid_argument("{}: output dim {} would be too large", node.describe(), d);
        g.output[d] = all_known ? static_cast<int64_t>(out) : -1;
      }
    }
  } else {
    if (scale_values.size() != n)
      return invalid_argument("{}: {} scales given for {} axes", node.describe(), scale_values.size(), n);
    for (size_t i = 0; i < n; ++i) {
      const double s = scale_values[i];
      if (!(s > 0.0) || !std::isfinite(s))
        return invalid_argument("{}: scales must be positive and finite, got {}", node.describe(), s);
      const int64_t d = axes[i], in = input[d];
      g.scales[d] = s;
      if (in < 0) { g.output[d] = -1; continue; }
      const double out = std::floor(static_cast<double>(in) * s);
      if (out > kMaxOutputDim) return invalid_argument("{}: output dim {} would be too large", node.describe(), d);
      g.output[d] = static_cast<int64_t>(out);
    }
  }
  for (int64_t d = 0; d < rank; ++d)
    if (input[d] == 0 && g.output[d] > 0)
      return invalid_argument("{}: cannot resize empty axis {} to {}", node.describe(), d, g.output[d]);

  if (attrs.transform == CoordinateTransform::kTfCropAndResize) {
    if (is_empty(roi)) return invalid_argument("{}: tf_crop_and_resize needs the roi input", node.describe());
    if (!dtype_is_float(roi->dtype()) || roi->dtype() == DType::kFloat16)
      return invalid_argument("{}: roi must be float, got {}", node.describe(), dtype_name(roi->dtype()));
    if (static_cast<size_t>(roi->numel()) != 2 * n)
      return invalid_argument("{}: roi has {} values, expected {}", node.describe(), roi->numel(), 2 * n);
    for (size_t i = 0; i < n; ++i) {
      g.roi_start[axes[i]] = roi->double_at(static_cast<int64_t>(i));
      g.roi_end[axes[i]] = roi->double_at(static_cast<int64_t>(i + n));
      if (!std::isfinite(g.roi_start[axes[i]]) || !std::isfinite(g.roi_end[axes[i]]))
        return invalid_argument("{}: roi values must be finite", node.describe());
    }
  }
  return g;
}

}  // namespace fovea
