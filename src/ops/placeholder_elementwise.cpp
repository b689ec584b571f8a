// PLACEHOLDER: replaced op by op with real implementations; delete when empty.
#include "ops/shape_functions.h"

namespace fovea {

Status infer_relu(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_leaky_relu(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_prelu(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_sigmoid(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_tanh(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_hard_sigmoid(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_hard_swish(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_softplus(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_elu(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_selu(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_erf(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_clip(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_add(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_sub(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_mul(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_div(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_pow(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_sqrt(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_exp(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_log(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_abs(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_neg(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_reciprocal(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_floor(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_ceil(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_round(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_sign(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_min(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_max(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_sum(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_mean(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_equal(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_less(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_greater(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_less_or_equal(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_greater_or_equal(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_not(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_and(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_or(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_where(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_cast(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_identity(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_dropout(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }

}  // namespace fovea
