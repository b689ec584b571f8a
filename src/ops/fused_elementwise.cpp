// Shape function of fovea.FusedElementwise: validates the program and broadcasts every input
// to the output shape (docs/fused-ops.md).
#include "ops/elementwise_inference.h"
#include "ops/fused_elementwise_program.h"
#include "ops/shape_functions.h"

namespace fovea {

Status infer_fused_elementwise(InferContext& ctx) {
  const int n = static_cast<int>(ctx.num_inputs());
  FOVEA_RETURN_IF_ERROR(parse_elementwise_program(ctx.node(), n).status());
  for (int i = 0; i < n; ++i)
    if (!ctx.has_input(i)) return ctx.error("input {} is missing (no input is optional)", i);
  FOVEA_RETURN_IF_ERROR(check_input_dtype(ctx, 0, {DType::kFloat32, DType::kFloat16}));
  FOVEA_RETURN_IF_ERROR(check_same_dtype(ctx, 0, ctx.num_inputs()));
  FOVEA_ASSIGN_OR_RETURN(std::optional<Shape> shape, broadcast_input_shapes(ctx, 0, ctx.num_inputs()));
  ctx.set_output(0, ctx.input_dtype(0), std::move(shape));
  return Status::ok();
}

}  // namespace fovea
