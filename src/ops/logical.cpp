// Not, And, Or (bool only) and Where (bool condition selecting between X and Y).
#include "ops/elementwise_inference.h"
#include "ops/shape_functions.h"

namespace fovea {

Status infer_not(InferContext& ctx) { return infer_same_as_input(ctx, kBoolDTypes); }
Status infer_and(InferContext& ctx) { return infer_broadcast_op(ctx, kBoolDTypes); }
Status infer_or(InferContext& ctx) { return infer_broadcast_op(ctx, kBoolDTypes); }

Status infer_where(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(check_input_dtype(ctx, 0, kBoolDTypes));
  for (size_t i = 1; i < 3; ++i)
    if (!ctx.has_input(i)) return ctx.error("input {} is missing", i);
  FOVEA_RETURN_IF_ERROR(check_same_dtype(ctx, 1, 3));
  FOVEA_ASSIGN_OR_RETURN(std::optional<Shape> shape, broadcast_input_shapes(ctx, 0, 3));
  ctx.set_output(0, ctx.input_dtype(1), std::move(shape));
  return Status::ok();
}

}  // namespace fovea
