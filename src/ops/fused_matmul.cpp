// Shape function of fovea.FusedMatMul: ONNX MatMul (A, B) plus a 1-D bias over the output's
// last dim, then an activation (docs/fused-ops.md).
#include "ops/fused_activation.h"
#include "ops/shape_functions.h"

namespace fovea {

Status infer_fused_mat_mul(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(parse_fused_activation(ctx.node()).status());
  if (!ctx.has_input(0) || !ctx.has_input(1)) return ctx.error("inputs A and B are required");
  FOVEA_RETURN_IF_ERROR(infer_mat_mul(ctx));  // also checks that the bias has A's dtype
  if (!ctx.has_input(2)) return Status::ok();
  const auto& bias = ctx.input_shape(2);
  const auto& y = ctx.output(0).shape;
  if (!bias) return Status::ok();
  if (bias->size() != 1) return ctx.error("bias must be 1-D, has shape {}", shape_to_string(*bias));
  if (y && y->empty()) return ctx.error("bias needs an output of rank >= 1 (A and B are both 1-D)");
  if (y && (*bias)[0].is_known() && y->back().is_known() && (*bias)[0].value != y->back().value)
    return ctx.error("bias has {} elements, the output's last dim is {}", (*bias)[0].value, y->back().value);
  return Status::ok();
}

}  // namespace fovea
