// Add, Sub, Mul, Div, Pow: binary ops with multidirectional broadcasting.
#include "ops/elementwise_inference.h"
#include "ops/shape_functions.h"

namespace fovea {

Status infer_add(InferContext& ctx) { return infer_broadcast_op(ctx, kNumericDTypes); }
Status infer_sub(InferContext& ctx) { return infer_broadcast_op(ctx, kNumericDTypes); }
Status infer_mul(InferContext& ctx) { return infer_broadcast_op(ctx, kNumericDTypes); }
Status infer_div(InferContext& ctx) { return infer_broadcast_op(ctx, kNumericDTypes); }

// Pow allows a base and an exponent of different dtypes; the output has the base's dtype.
Status infer_pow(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(check_input_dtype(
      ctx, 0, {DType::kFloat32, DType::kFloat64, DType::kFloat16, DType::kBFloat16, DType::kInt32, DType::kInt64}));
  FOVEA_RETURN_IF_ERROR(check_input_dtype(ctx, 1, kNumericDTypes));
  FOVEA_ASSIGN_OR_RETURN(std::optional<Shape> shape, broadcast_input_shapes(ctx, 0, 2));
  ctx.set_output(0, ctx.input_dtype(0), std::move(shape));
  return Status::ok();
}

}  // namespace fovea
