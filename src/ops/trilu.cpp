// Trilu (opset 14): keeps the upper or lower triangle of the last two dims; `k` (optional
// 0-D int64 input) shifts the diagonal.
#include "ops/known_inputs.h"
#include "ops/shape_functions.h"

namespace fovea {

Status infer_trilu(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(require_inputs(ctx, 1));
  FOVEA_ASSIGN_OR_RETURN(const int64_t upper, ctx.node().attr_int("upper", 1));
  if (upper != 0 && upper != 1) return ctx.error("attribute upper must be 0 or 1, got {}", upper);
  if (ctx.input_dtype(0) == DType::kString) return ctx.unsupported_here("string tensors are not supported");
  if (ctx.input_shape(0) && ctx.input_shape(0)->size() < 2)
    return ctx.error("input must have rank >= 2, got {}", ctx.input_shape(0)->size());
  if (ctx.has_input(1)) {
    if (ctx.input_dtype(1) != DType::kInt64 && ctx.input_dtype(1) != DType::kUndefined)
      return ctx.error("k must be int64, got {}", dtype_name(ctx.input_dtype(1)));
    const auto& ks = ctx.input_shape(1);
    if (ks) {
      const Dim n = dim_product(*ks, 0, ks->size());
      if (ks->size() > 1 || (n.is_known() && n.value != 1)) return ctx.error("k must be a scalar, got shape {}", shape_to_string(*ks));
    }
  }
  ctx.set_output(0, ctx.input_dtype(0), ctx.input_shape(0));
  return Status::ok();
}

}  // namespace fovea
