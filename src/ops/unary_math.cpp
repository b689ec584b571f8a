// Shape functions of the unary math ops: output of the input's dtype and shape.
#include "ops/elementwise_inference.h"
#include "ops/shape_functions.h"

namespace fovea {

Status infer_sqrt(InferContext& ctx) { return infer_same_as_input(ctx, kFloatDTypes); }
Status infer_exp(InferContext& ctx) { return infer_same_as_input(ctx, kFloatDTypes); }
Status infer_log(InferContext& ctx) { return infer_same_as_input(ctx, kFloatDTypes); }
Status infer_reciprocal(InferContext& ctx) { return infer_same_as_input(ctx, kFloatDTypes); }
Status infer_floor(InferContext& ctx) { return infer_same_as_input(ctx, kFloatDTypes); }
Status infer_ceil(InferContext& ctx) { return infer_same_as_input(ctx, kFloatDTypes); }
Status infer_round(InferContext& ctx) { return infer_same_as_input(ctx, kFloatDTypes); }
Status infer_abs(InferContext& ctx) { return infer_same_as_input(ctx, kNumericDTypes); }
Status infer_neg(InferContext& ctx) { return infer_same_as_input(ctx, kSignedDTypes); }
Status infer_sign(InferContext& ctx) { return infer_same_as_input(ctx, kNumericDTypes); }

}  // namespace fovea
