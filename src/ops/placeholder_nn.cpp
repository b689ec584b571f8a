// PLACEHOLDER: replaced op by op with real implementations; delete when empty.
#include "ops/shape_functions.h"

namespace fovea {

Status infer_conv(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_conv_transpose(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_batch_normalization(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_instance_normalization(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_layer_normalization(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_mat_mul(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_gemm(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_max_pool(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_average_pool(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_global_average_pool(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_global_max_pool(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status infer_einsum(InferContext& ctx) { return ctx.unsupported_here("not implemented yet"); }

}  // namespace fovea
