// Clip: bounds are float attributes before opset 11, optional scalar inputs from opset 11.
#include "ops/elementwise_inference.h"
#include "ops/shape_functions.h"

namespace fovea {

Status infer_clip(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(check_input_dtype(ctx, 0, ctx.opset() < 11 ? kFloatDTypes : kNumericDTypes));
  if (ctx.opset() < 11) {
    if (ctx.num_inputs() > 1) return ctx.error("before opset 11 Clip takes its bounds as attributes, not inputs");
    FOVEA_ASSIGN_OR_RETURN(float lo, ctx.node().attr_float("min", 0.f));
    FOVEA_ASSIGN_OR_RETURN(float hi, ctx.node().attr_float("max", 0.f));
    (void)lo;
    (void)hi;
  } else {
    for (size_t i = 1; i < 3; ++i) {
      if (!ctx.has_input(i)) continue;
      FOVEA_RETURN_IF_ERROR(check_same_dtype(ctx, 0, i + 1));
      const std::optional<Shape>& s = ctx.input_shape(i);
      if (!s) continue;
      // ONNX asks for a scalar; a one-element tensor is accepted as exporters emit [1].
      const bool one = s->empty() || (s->size() == 1 && (!(*s)[0].is_known() || (*s)[0].value == 1));
      if (!one) return ctx.error("input {} ({}) must be a scalar, got shape {}", i, i == 1 ? "min" : "max",
                                 shape_to_string(*s));
    }
  }
  ctx.set_output(0, ctx.input_dtype(0), ctx.input_shape(0));
  return Status::ok();
}

}  // namespace fovea
