// Min, Max, Sum, Mean: variadic ops that broadcast all their inputs together.
#include "ops/elementwise_inference.h"
#include "ops/shape_functions.h"

namespace fovea {

Status infer_min(InferContext& ctx) { return infer_broadcast_op(ctx, kNumericDTypes); }
Status infer_max(InferContext& ctx) { return infer_broadcast_op(ctx, kNumericDTypes); }
Status infer_sum(InferContext& ctx) { return infer_broadcast_op(ctx, kFloatDTypes); }
Status infer_mean(InferContext& ctx) { return infer_broadcast_op(ctx, kFloatDTypes); }

}  // namespace fovea
