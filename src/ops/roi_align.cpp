// RoiAlign (opset 10, 16): X [N, C, H, W], rois [R, 4] (x1, y1, x2, y2), batch_indices [R];
// output [R, C, output_height, output_width].
#include <cmath>

#include "ops/elementwise_inference.h"
#include "ops/known_inputs.h"
#include "ops/shape_functions.h"

namespace fovea {

Status infer_roi_align(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(require_inputs(ctx, 3));
  FOVEA_RETURN_IF_ERROR(check_input_dtype(ctx, 0, kFloatDTypes));
  FOVEA_RETURN_IF_ERROR(check_same_dtype(ctx, 0, 2));
  if (ctx.input_dtype(2) != DType::kInt64 && ctx.input_dtype(2) != DType::kUndefined)
    return ctx.error("batch_indices must be int64, got {}", dtype_name(ctx.input_dtype(2)));
  FOVEA_ASSIGN_OR_RETURN(const std::string mode, ctx.node().attr_string("mode", "avg"));
  if (mode != "avg" && mode != "max") return ctx.error("mode must be avg or max, got '{}'", mode);
  FOVEA_ASSIGN_OR_RETURN(const std::string ctm,
                         ctx.node().attr_string("coordinate_transformation_mode", "half_pixel"));
  if (ctm != "half_pixel" && ctm != "output_half_pixel")
    return ctx.error("coordinate_transformation_mode must be half_pixel or output_half_pixel, got '{}'", ctm);
  FOVEA_ASSIGN_OR_RETURN(const int64_t oh, ctx.node().attr_int("output_height", 1));
  FOVEA_ASSIGN_OR_RETURN(const int64_t ow, ctx.node().attr_int("output_width", 1));
  FOVEA_ASSIGN_OR_RETURN(const int64_t ratio, ctx.node().attr_int("sampling_ratio", 0));
  FOVEA_ASSIGN_OR_RETURN(const float scale, ctx.node().attr_float("spatial_scale", 1.f));
  if (oh < 1 || ow < 1) return ctx.error("output_height and output_width must be >= 1, got {} and {}", oh, ow);
  if (ratio < 0) return ctx.error("sampling_ratio must be >= 0, got {}", ratio);
  if (!std::isfinite(scale)) return ctx.error("spatial_scale must be finite");
  const DType dtype = ctx.input_dtype(0);
  const auto& x = ctx.input_shape(0);
  const auto& rois = ctx.input_shape(1);
  const auto& idx = ctx.input_shape(2);
  if (x && x->size() != 4) return ctx.error("X must have rank 4, got {}", x->size());
  if (rois && (rois->size() != 2 || ((*rois)[1].is_known() && (*rois)[1].value != 4)))
    return ctx.error("rois must have shape [R, 4], got {}", shape_to_string(*rois));
  if (idx && idx->size() != 1) return ctx.error("batch_indices must be 1-D, got rank {}", idx->size());
  Dim r = Dim::unknown();
  if (rois) r = (*rois)[0];
  if (idx) {
    const Dim& k = (*idx)[0];
    if (r.is_known() && k.is_known() && r.value != k.value)
      return ctx.error("rois has {} boxes, batch_indices has {}", r.value, k.value);
    if (!r.is_known()) r = k;
  }
  if (const Tensor* t = ctx.input_value(2); t && x && (*x)[0].is_known())
    for (int64_t i = 0; i < t->numel(); ++i)
      if (t->int_at(i) < 0 || t->int_at(i) >= (*x)[0].value)
        return ctx.error("batch index {} is out of range for a batch of {}", t->int_at(i), (*x)[0].value);
  Shape out = {r, x ? (*x)[1] : Dim::unknown(), Dim::known(oh), Dim::known(ow)};
  FOVEA_RETURN_IF_ERROR(check_output_size(ctx, out, dtype));
  ctx.set_output(0, dtype, std::move(out));
  return Status::ok();
}

}  // namespace fovea
