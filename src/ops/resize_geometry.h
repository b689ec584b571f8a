// Resize and Upsample: parsed attributes and the per-axis geometry (output size, scale, roi),
// shared by the shape functions and the CPU kernel so both agree on every opset's rules.
#pragma once

#include <optional>
#include <vector>

#include "core/shape.h"
#include "core/tensor.h"
#include "ir/graph.h"

namespace fovea {

enum class ResizeMode { kNearest, kLinear, kCubic };
enum class CoordinateTransform {
  kHalfPixel, kHalfPixelSymmetric, kPytorchHalfPixel, kAlignCorners, kAsymmetric, kTfHalfPixelForNN, kTfCropAndResize
};
// kSimple: Upsample and Resize-10 (floor when upsampling, ceil when downsampling, as ONNX Runtime).
enum class NearestRounding { kRoundPreferFloor, kRoundPreferCeil, kFloor, kCeil, kSimple };
enum class AspectRatioPolicy { kStretch, kNotLarger, kNotSmaller };

struct ResizeAttributes {
  ResizeMode mode = ResizeMode::kNearest;
  CoordinateTransform transform = CoordinateTransform::kHalfPixel;
  NearestRounding rounding = NearestRounding::kRoundPreferFloor;
  double cubic_coeff_a = -0.75;
  bool exclude_outside = false;
  double extrapolation_value = 0.0;
  AspectRatioPolicy policy = AspectRatioPolicy::kStretch;
  std::vector<int64_t> axes;          // raw `axes` attribute (opset 18); empty: all axes
  std::vector<float> upsample_scales; // Upsample-7 `scales` attribute
};

// Which inputs carry roi / scales / sizes for this node (-1: none at this opset).
struct ResizeInputs {
  int roi = -1, scales = -1, sizes = -1;
};

Result<ResizeAttributes> parse_resize_attributes(const Node& node, int64_t opset);
ResizeInputs resize_inputs(const Node& node, int64_t opset);

// Per input axis: output length, the scale used by the coordinate transform, and the roi.
struct ResizeGeometry {
  Dims output;
  std::vector<double> scales;
  std::vector<double> roi_start, roi_end;  // normalized crop box (tf_crop_and_resize), else 0 and 1
};

// Everything a resize needs once all inputs are known (run time, or constants at build time).
// `scales` / `sizes` / `roi`: the inputs' data, nullptr when omitted.
Result<ResizeGeometry> resize_geometry(const Node& node, const ResizeAttributes& attrs, const Dims& input,
                                       const Tensor* roi, const Tensor* scales, const Tensor* sizes);

// The input coordinate that output coordinate `x` maps to along one axis.
double resize_source_coordinate(CoordinateTransform t, double x, int64_t in_len, int64_t out_len, double scale,
                                double roi_start, double roi_end);

}  // namespace fovea
