// Checks and launches shared by the conv and gemm kernels.
#include "backends/cuda/conv_gemm_kernels.h"
#include "backends/cuda/cuda_check.h"

namespace fovea::cuda {

Result<kernels::ScalarKind> conv_gemm_float_kind(GpuKernelContext& ctx) {
  const DType t = ctx.input(0).dtype;
  if (t != DType::kFloat32 && t != DType::kFloat16) return ctx.unsupported_dtype(0);
  for (size_t i = 1; i < ctx.num_inputs(); ++i)
    if (ctx.has_input(i) && ctx.input(i).dtype != t)
      return ctx.error("input {} has dtype {}, input 0 has {}", i, dtype_name(ctx.input(i).dtype), dtype_name(t));
  if (ctx.num_outputs() < 1 || !ctx.has_output(0))
    return ctx.error("output 0 is missing");
  const DType out = ctx.output(0).dtype;
  if (out != t) return ctx.error("output has dtype {}, inputs have {}", dtype_name(out), dtype_name(t));
  return t == DType::kFloat16 ? kernels::ScalarKind::kF16 : kernels::ScalarKind::kF32;
}

Status run_bias_activation(const GpuKernelContext& ctx, kernels::ScalarKind kind,
                           const kernels::BiasActivationParams& p, void* y, const void* bias, const void* residual) {
  const cudaError_t e = kernels::launch_bias_activation(kind, p, y, bias, residual, ctx.stream());
  if (e != cudaSuccess) return cuda_status(e, "launch_bias_activation").with_context(ctx.node().describe());
  return Status::ok();
}

}  // namespace fovea::cuda
