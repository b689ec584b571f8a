// Shape functions of the trigonometric and hyperbolic ops: float input, same dtype and shape.
#include "ops/elementwise_inference.h"
#include "ops/shape_functions.h"

namespace fovea {

Status infer_sin(InferContext& ctx) { return infer_same_as_input(ctx, kFloatDTypes); }
Status infer_cos(InferContext& ctx) { return infer_same_as_input(ctx, kFloatDTypes); }
Status infer_tan(InferContext& ctx) { return infer_same_as_input(ctx, kFloatDTypes); }
Status infer_asin(InferContext& ctx) { return infer_same_as_input(ctx, kFloatDTypes); }
Status infer_acos(InferContext& ctx) { return infer_same_as_input(ctx, kFloatDTypes); }
Status infer_atan(InferContext& ctx) { return infer_same_as_input(ctx, kFloatDTypes); }
Status infer_sinh(InferContext& ctx) { return infer_same_as_input(ctx, kFloatDTypes); }
Status infer_cosh(InferContext& ctx) { return infer_same_as_input(ctx, kFloatDTypes); }
Status infer_asinh(InferContext& ctx) { return infer_same_as_input(ctx, kFloatDTypes); }
Status infer_acosh(InferContext& ctx) { return infer_same_as_input(ctx, kFloatDTypes); }
Status infer_atanh(InferContext& ctx) { return infer_same_as_input(ctx, kFloatDTypes); }

}  // namespace fovea
