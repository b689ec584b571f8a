// PLACEHOLDER: replaced op by op with real implementations; delete when empty.
#include "ops/shape_functions.h"

namespace fovea {

Status infer_concat(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_split(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_slice(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_reshape(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_flatten(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_transpose(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_squeeze(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_unsqueeze(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_expand(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_tile(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_gather(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_gather_elements(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_scatter_nd(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_shape(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_size(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_constant(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_constant_of_shape(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_range(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_pad(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_depth_to_space(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_space_to_depth(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_non_zero(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }

}  // namespace fovea
