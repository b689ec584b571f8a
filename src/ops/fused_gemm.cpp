// Shape function of fovea.FusedGemm: ONNX Gemm followed by an activation (docs/fused-ops.md).
#include "ops/fused_activation.h"
#include "ops/shape_functions.h"

namespace fovea {

Status infer_fused_gemm(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(parse_fused_activation(ctx.node()).status());
  if (!ctx.has_input(0) || !ctx.has_input(1)) return ctx.error("inputs A and B are required");
  return infer_gemm(ctx);
}

}  // namespace fovea
