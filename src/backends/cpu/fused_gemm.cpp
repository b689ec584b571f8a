// fovea.FusedGemm: the Gemm kernel, then the activation in place.
#include "backends/cpu/float16_via_float32.h"
#include "backends/cpu/fused_activation_apply.h"
#include "backends/cpu/kernels.h"

namespace fovea::cpu {

Status run_fused_gemm(CpuKernelContext& ctx) {
  if (has_float16_input(ctx)) return run_float16_via_float32(ctx, run_fused_gemm);  // computes in float32
  FOVEA_ASSIGN_OR_RETURN(const FusedActivation act, parse_fused_activation(ctx.node()));
  std::vector<const Tensor*> gemm_inputs = {&ctx.input(0), &ctx.input(1), ctx.has_input(2) ? &ctx.input(2) : nullptr};
  std::vector<Tensor> gemm_outputs = {ctx.output(0)};  // shares the output's storage
  CpuKernelContext gemm_ctx(ctx.node(), ctx.opset(), std::move(gemm_inputs), gemm_outputs);
  FOVEA_RETURN_IF_ERROR(run_gemm(gemm_ctx));
  ctx.output(0) = gemm_outputs[0];
  Tensor& y = ctx.output(0);
  FOVEA_SWITCH_FLOAT(y.dtype(), T, {
    apply_fused_activation(act, y.data<T>(), y.numel());
    return Status::ok();
  });
  return ctx.unsupported_dtype(0);
}

}  // namespace fovea::cpu
