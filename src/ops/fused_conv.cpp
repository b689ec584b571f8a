// Shape function of fovea.FusedConv: Conv (X, W, [B]) plus an activation and an optional
// residual Z of the output's exact shape (docs/fused-ops.md).
#include "ops/fused_activation.h"
#include "ops/shape_functions.h"

namespace fovea {

Status infer_fused_conv(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(parse_fused_activation(ctx.node()).status());
  FOVEA_ASSIGN_OR_RETURN(int64_t after, ctx.node().attr_int("residual_after_activation", 0));
  if (after != 0 && after != 1) return ctx.error("residual_after_activation must be 0 or 1, got {}", after);
  if (!ctx.has_input(0) || !ctx.has_input(1)) return ctx.error("inputs X and W are required");
  FOVEA_RETURN_IF_ERROR(infer_conv(ctx));  // also checks that every present input has X's dtype
  if (!ctx.has_input(3)) return Status::ok();
  const auto& z = ctx.input_shape(3);
  const auto& y = ctx.output(0).shape;
  if (!z || !y) return Status::ok();
  if (z->size() != y->size())
    return ctx.error("residual Z has shape {}, the output has {}", shape_to_string(*z), shape_to_string(*y));
  for (size_t i = 0; i < z->size(); ++i)
    if ((*z)[i].is_known() && (*y)[i].is_known() && (*z)[i].value != (*y)[i].value)
      return ctx.error("residual Z has shape {}, the output has {}", shape_to_string(*z), shape_to_string(*y));
  return Status::ok();
}

}  // namespace fovea
