// IsNaN and IsInf: float input, bool output of the same shape.
#include "ops/elementwise_inference.h"
#include "ops/shape_functions.h"

namespace fovea {

Status infer_is_nan(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(check_input_dtype(ctx, 0, kFloatDTypes));
  ctx.set_output(0, DType::kBool, ctx.input_shape(0));
  return Status::ok();
}

Status infer_is_inf(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(check_input_dtype(ctx, 0, kFloatDTypes));
  FOVEA_RETURN_IF_ERROR(ctx.node().attr_int("detect_negative", 1).status());
  FOVEA_RETURN_IF_ERROR(ctx.node().attr_int("detect_positive", 1).status());
  ctx.set_output(0, DType::kBool, ctx.input_shape(0));
  return Status::ok();
}

}  // namespace fovea
