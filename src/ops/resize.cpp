// Shape functions of Resize (opsets 10, 11, 13, 18) and Upsample (7, 9). Output lengths from
// scales are floor(in * scale), as ONNX computes them; see resize_geometry.h for the rules.
#include "ops/resize_geometry.h"
#include "ops/shape_functions.h"

namespace fovea {
namespace {

// Data of input i when it is present and known; `unknown` is set when present but not known.
const Tensor* known_input(const InferContext& ctx, int index, bool& unknown) {
  if (index < 0 || !ctx.has_input(static_cast<size_t>(index))) return nullptr;
  const Tensor* t = ctx.input_value(static_cast<size_t>(index));
  if (t) return t;
  // A present input whose shape says it is empty counts as omitted.
  const auto& shape = ctx.input_shape(static_cast<size_t>(index));
  bool empty = false;
  if (shape)
    for (const Dim& d : *shape) empty = empty || (d.is_known() && d.value == 0);
  if (!empty) unknown = true;
  return nullptr;
}

Status infer_resize_family(InferContext& ctx) {
  if (!ctx.has_input(0)) return ctx.error("input 0 is missing");
  const DType dtype = ctx.input_dtype(0);
  if (dtype == DType::kString || dtype == DType::kBool) return ctx.error("input has dtype {}", dtype_name(dtype));
  FOVEA_ASSIGN_OR_RETURN(ResizeAttributes attrs, parse_resize_attributes(ctx.node(), ctx.opset()));
  const ResizeInputs which = resize_inputs(ctx.node(), ctx.opset());
  if (which.scales >= 0 && which.sizes < 0 && !ctx.has_input(static_cast<size_t>(which.scales)))
    return ctx.error("input scales is required at opset {}", ctx.opset());
  if (which.scales < 0 && ctx.num_inputs() > 1 && ctx.has_input(1))
    return ctx.error("scales is an attribute at opset {}, not an input", ctx.opset());
  if (which.sizes < 0 && ctx.num_inputs() > 2)
    return ctx.error("takes at most 2 inputs at opset {}", ctx.opset());
  if (attrs.mode != ResizeMode::kNearest && dtype != DType::kUndefined && !dtype_is_float(dtype) &&
      !dtype_is_integer(dtype))
    return ctx.error("input has dtype {}", dtype_name(dtype));

  if (!ctx.input_shape(0)) {
    ctx.set_output(0, dtype, std::nullopt);
    return Status::ok();
  }
  const Shape& in = *ctx.input_shape(0);
  // roi matters only for tf_crop_and_resize; a known non-empty scales or sizes makes the other
  // one irrelevant (it must be empty; resize_geometry checks that when both are known).
  bool roi_unknown = false, scales_unknown = false, sizes_unknown = false;
  const Tensor* roi = attrs.transform == CoordinateTransform::kTfCropAndResize
                          ? known_input(ctx, which.roi, roi_unknown) : nullptr;
  const Tensor* scales = known_input(ctx, which.scales, scales_unknown);
  const Tensor* sizes = known_input(ctx, which.sizes, sizes_unknown);
  if (sizes && sizes->numel() > 0) scales_unknown = false;
  if (scales && scales->numel() > 0) sizes_unknown = false;
  if (roi_unknown || scales_unknown || sizes_unknown) {
    // Output lengths depend on data not known yet; axes the node does not resize keep theirs.
    Shape out(in.size(), Dim::unknown());
    if (!attrs.axes.empty()) {
      std::vector<bool> listed(in.size(), false);
      for (int64_t a : attrs.axes) {
        FOVEA_ASSIGN_OR_RETURN(int64_t d, normalize_axis(a, static_cast<int64_t>(in.size()), ctx.node().describe()));
        listed[d] = true;
      }
      for (size_t d = 0; d < in.size(); ++d)
        if (!listed[d]) out[d] = in[d];
    }
    ctx.set_output(0, dtype, out);
    return Status::ok();
  }
  Dims dims(in.size());
  for (size_t d = 0; d < in.size(); ++d) dims[d] = in[d].is_known() ? in[d].value : -1;
  FOVEA_ASSIGN_OR_RETURN(ResizeGeometry g, resize_geometry(ctx.node(), attrs, dims, roi, scales, sizes));
  Shape out(in.size());
  for (size_t d = 0; d < in.size(); ++d) {
    if (g.output[d] >= 0) out[d] = Dim::known(g.output[d]);
    else if (g.scales[d] == 1.0 && !sizes) out[d] = in[d];  // unresized symbolic dim keeps its name
    else out[d] = Dim::unknown();
  }
  ctx.set_output(0, dtype, out);
  return Status::ok();
}

}  // namespace

Status infer_resize(InferContext& ctx) { return infer_resize_family(ctx); }
Status infer_upsample(InferContext& ctx) { return infer_resize_family(ctx); }

}  // namespace fovea
