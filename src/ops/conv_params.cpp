#include "ops/conv_params.h"

#include <algorithm>

namespace fovea {
namespace {

// Bound on any window attribute value, so that the size arithmetic below cannot overflow.
constexpr int64_t kMaxWindowValue = int64_t{1} << 24;

Status check_range(const Node& node, const char* name, const Dims& v, int64_t lo) {
  for (int64_t x : v)
    if (x < lo || x > kMaxWindowValue)
      return invalid_argument("{}: attribute '{}' has value {} (must be in [{}, 2^24])", node.describe(), name, x, lo);
  return Status::ok();
}

Result<AutoPad> parse_auto_pad(const Node& node) {
  FOVEA_ASSIGN_OR_RETURN(std::string s, node.attr_string("auto_pad", "NOTSET"));
  if (s == "NOTSET" || s.empty()) return AutoPad::kNotSet;
  if (s == "SAME_UPPER") return AutoPad::kSameUpper;
  if (s == "SAME_LOWER") return AutoPad::kSameLower;
  if (s == "VALID") return AutoPad::kValid;
  return invalid_argument("{}: unknown auto_pad '{}'", node.describe(), s);
}

Result<Dims> per_dim_attr(const Node& node, const char* name, int64_t rank, int64_t fallback, int64_t lo) {
  FOVEA_ASSIGN_OR_RETURN(Dims v, node.attr_ints(name));
  if (v.empty()) return Dims(static_cast<size_t>(rank), fallback);
  if (static_cast<int64_t>(v.size()) != rank)
    return invalid_argument("{}: attribute '{}' has {} values, expected {} (one per spatial dim)", node.describe(),
                            name, v.size(), rank);
  FOVEA_RETURN_IF_ERROR(check_range(node, name, v, lo));
  return v;
}

}  // namespace

Dims known_dims_or_minus_one(const Shape& s) {
  Dims d;
  d.reserve(s.size());
  for (const Dim& x : s) d.push_back(x.is_known() ? x.value : -1);
  return d;
}

Result<WindowAttrs> parse_window_attrs(const Node& node, WindowKind kind, int64_t spatial_rank,
                                       const Dims& kernel_from_weight) {
  WindowAttrs a;
  if (spatial_rank < 1) return invalid_argument("{}: input must have at least one spatial dim", node.describe());
  if (spatial_rank > kMaxSpatialRank)
    return unsupported("{}: {} spatial dims; at most {} are supported", node.describe(), spatial_rank, kMaxSpatialRank);
  a.spatial_rank = spatial_rank;
  FOVEA_ASSIGN_OR_RETURN(Dims kernel, node.attr_ints("kernel_shape"));
  if (kernel.empty()) {
    if (kind == WindowKind::kPool) return invalid_argument("{}: attribute 'kernel_shape' is required", node.describe());
    kernel = kernel_from_weight;
  } else {
    if (static_cast<int64_t>(kernel.size()) != spatial_rank)
      return invalid_argument("{}: kernel_shape has {} values, the input has {} spatial dims", node.describe(),
                              kernel.size(), spatial_rank);
    FOVEA_RETURN_IF_ERROR(check_range(node, "kernel_shape", kernel, 1));
    for (size_t i = 0; i < kernel_from_weight.size() && i < kernel.size(); ++i)
      if (kernel_from_weight[i] >= 0 && kernel_from_weight[i] != kernel[i])
        return invalid_argument("{}: kernel_shape {} does not match the weight's spatial dims {}", node.describe(),
                                dims_to_string(kernel), dims_to_string(kernel_from_weight));
  }
  for (int64_t k : kernel)
    if (k > kMaxWindowValue || (k < 1 && k != -1))
      return invalid_argument("{}: kernel dims must be >= 1, got {}", node.describe(), dims_to_string(kernel));
  a.kernel = kernel;
  FOVEA_ASSIGN_OR_RETURN(a.strides, per_dim_attr(node, "strides", spatial_rank, 1, 1));
  FOVEA_ASSIGN_OR_RETURN(a.dilations, per_dim_attr(node, "dilations", spatial_rank, 1, 1));
  FOVEA_ASSIGN_OR_RETURN(a.auto_pad, parse_auto_pad(node));
  FOVEA_ASSIGN_OR_RETURN(Dims pads, node.attr_ints("pads"));
  if (pads.empty()) pads.assign(static_cast<size_t>(2 * spatial_rank), 0);
  if (static_cast<int64_t>(pads.size()) != 2 * spatial_rank)
    return invalid_argument("{}: pads has {} values, expected {}", node.describe(), pads.size(), 2 * spatial_rank);
  FOVEA_RETURN_IF_ERROR(check_range(node, "pads", pads, 0));
  a.pads = pads;
  if (kind == WindowKind::kPool) {
    FOVEA_ASSIGN_OR_RETURN(int64_t ceil_mode, node.attr_int("ceil_mode", 0));
    a.ceil_mode = ceil_mode != 0;
  }
  if (kind == WindowKind::kConvTranspose) {
    FOVEA_ASSIGN_OR_RETURN(a.output_padding, per_dim_attr(node, "output_padding", spatial_rank, 0, 0));
    FOVEA_ASSIGN_OR_RETURN(Dims os, node.attr_ints("output_shape"));
    // output_shape may list the spatial dims only or the whole output shape.
    if (static_cast<int64_t>(os.size()) == spatial_rank + 2) os.erase(os.begin(), os.begin() + 2);
    if (!os.empty() && static_cast<int64_t>(os.size()) != spatial_rank)
      return invalid_argument("{}: output_shape has {} values, expected {}", node.describe(), os.size(), spatial_rank);
    FOVEA_RETURN_IF_ERROR(check_range(node, "output_shape", os, 0));
    a.output_shape = os;
    for (int64_t i = 0; i < spatial_rank; ++i)
      if (a.output_padding[i] >= std::max(a.strides[i], a.dilations[i]))
        return invalid_argument("{}: output_padding {} must be smaller than the stride or dilation", node.describe(),
                                a.output_padding[i]);
  }
  return a;
}

Result<ResolvedWindow> resolve_window(const Node& node, WindowKind kind, const WindowAttrs& a, const Dims& in) {
  const int64_t r = a.spatial_rank;
  if (static_cast<int64_t>(in.size()) != r)
    return internal_error("{}: window rank {} vs input spatial rank {}", node.describe(), r, in.size());
  ResolvedWindow w;
  w.out.assign(r, -1);
  w.pads.assign(2 * r, 0);
  for (int64_t i = 0; i < r; ++i) {
    const int64_t s = a.strides[i];
    const int64_t k = a.kernel[i];
    const int64_t x = in[i];
    if (x > (int64_t{1} << 32))
      return invalid_argument("{}: spatial dim {} of size {} is too large", node.describe(), i, x);
    if (x < 0 || k < 0) {  // unknown at build time
      if (a.auto_pad == AutoPad::kNotSet) w.pads[i] = a.pads[i], w.pads[i + r] = a.pads[i + r];
      if (kind == WindowKind::kConvTranspose && !a.output_shape.empty()) w.out[i] = a.output_shape[i];
      continue;
    }
    const int64_t ext = dilated_extent(k, a.dilations[i]);
    if (kind == WindowKind::kConvTranspose) {
      const int64_t full = s * std::max<int64_t>(x - 1, 0) + ext + a.output_padding[i];
      int64_t out = -1;
      if (!a.output_shape.empty()) {
        out = a.output_shape[i];
      } else if (a.auto_pad == AutoPad::kSameUpper || a.auto_pad == AutoPad::kSameLower) {
        out = x * s;
      }
      if (out >= 0) {
        // Pads that turn the full output into `out`; a larger `out` pads zeros at the end.
        const int64_t total = std::max<int64_t>(0, full - out);
        if (a.auto_pad == AutoPad::kSameUpper) {
          w.pads[i] = total / 2;
          w.pads[i + r] = total - total / 2;
        } else {
          w.pads[i] = total - total / 2;
          w.pads[i + r] = total / 2;
        }
      } else {
        if (a.auto_pad == AutoPad::kNotSet) w.pads[i] = a.pads[i], w.pads[i + r] = a.pads[i + r];
        out = full - w.pads[i] - w.pads[i + r];
      }
      if (out < 0) return invalid_argument("{}: pads make output dim {} negative ({})", node.describe(), i, out);
      w.out[i] = out;
      continue;
    }
    int64_t out = 0;
    switch (a.auto_pad) {
      case AutoPad::kNotSet: {
        const int64_t pb = a.pads[i], pe = a.pads[i + r];
        const int64_t span = x + pb + pe - ext;
        if (span < 0)
          return invalid_argument("{}: kernel extent {} exceeds padded input size {} in spatial dim {}",
                                  node.describe(), ext, x + pb + pe, i);
        out = (a.ceil_mode ? (span + s - 1) / s : span / s) + 1;
        // The last window must start inside the input or its begin padding (as ONNX and PyTorch).
        if (a.ceil_mode && (out - 1) * s >= x + pb) --out;
        w.pads[i] = pb;
        w.pads[i + r] = pe;
        break;
      }
      case AutoPad::kValid:
        if (x < ext)
          return invalid_argument("{}: kernel extent {} exceeds input size {} in spatial dim {}", node.describe(),
                                  ext, x, i);
        out = (x - ext) / s + 1;
        break;
      case AutoPad::kSameUpper:
      case AutoPad::kSameLower: {
        out = (x + s - 1) / s;
        const int64_t total = std::max<int64_t>(0, (out - 1) * s + ext - x);
        const int64_t small = total / 2, big = total - total / 2;
        w.pads[i] = a.auto_pad == AutoPad::kSameUpper ? small : big;
        w.pads[i + r] = a.auto_pad == AutoPad::kSameUpper ? big : small;
        break;
      }
    }
    w.out[i] = out;
  }
  return w;
}

}  // namespace fovea
