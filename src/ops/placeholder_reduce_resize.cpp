// PLACEHOLDER: replaced op by op with real implementations; delete when empty.
#include "ops/shape_functions.h"

namespace fovea {

Status infer_resize(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_upsample(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_softmax(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_log_softmax(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_arg_max(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_arg_min(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_reduce_mean(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_reduce_sum(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_reduce_max(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_reduce_min(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_reduce_prod(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_reduce_l2(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_reduce_sum_square(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_top_k(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_cum_sum(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_non_max_suppression(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }

}  // namespace fovea
