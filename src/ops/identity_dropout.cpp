// Identity, and Dropout in inference mode (an identity with an optional all-true mask).
#include "ops/elementwise_inference.h"
#include "ops/shape_functions.h"

namespace fovea {

Status infer_identity(InferContext& ctx) {
  if (!ctx.has_input(0)) return ctx.error("input 0 is missing");
  ctx.set_output(0, ctx.input_dtype(0), ctx.input_shape(0));
  return Status::ok();
}

// Opset 12 moved `ratio` to input 1 and added `training_mode` (input 2). The mask is bool from
// opset 10, of the data's dtype before.
Status infer_dropout(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(check_input_dtype(ctx, 0, kFloatDTypes));
  if (ctx.opset() < 12) {
    if (ctx.num_inputs() > 1) return ctx.error("before opset 12 Dropout has a single input");
    FOVEA_ASSIGN_OR_RETURN(float ratio, ctx.node().attr_float("ratio", 0.5f));
    if (!(ratio >= 0.f && ratio < 1.f)) return ctx.error("ratio {} is outside [0, 1)", ratio);
  } else {
    if (ctx.has_input(1)) {
      FOVEA_RETURN_IF_ERROR(check_input_dtype(ctx, 1, kFloatDTypes));
      if (const Tensor* r = ctx.input_value(1)) {
        if (r->numel() != 1) return ctx.error("ratio must be a scalar");
        const double ratio = r->dtype() == DType::kBFloat16 ? 0.0 : r->double_at(0);
        if (!(ratio >= 0.0 && ratio < 1.0)) return ctx.error("ratio {} is outside [0, 1)", ratio);
      }
    }
    if (ctx.has_input(2)) {
      FOVEA_RETURN_IF_ERROR(check_input_dtype(ctx, 2, kBoolDTypes));
      const Tensor* training = ctx.input_value(2);
      if (training && training->numel() != 1) return ctx.error("training_mode must be a scalar");
      // Training with a zero ratio is still an identity (the ONNX reference agrees).
      const Tensor* r = ctx.input_value(1);
      const bool zero_ratio = r && r->numel() == 1 && r->dtype() != DType::kBFloat16 && r->double_at(0) == 0.0;
      if (training && training->int_at(0) != 0 && !zero_ratio)
        return ctx.unsupported_here("training_mode = true (random dropout) is not supported for inference");
    }
  }
  ctx.set_output(0, ctx.input_dtype(0), ctx.input_shape(0));
  if (ctx.num_outputs() > 1) ctx.set_output(1, ctx.opset() < 10 ? ctx.input_dtype(0) : DType::kBool, ctx.input_shape(0));
  return Status::ok();
}

}  // namespace fovea
