// Sum, Mean, Min, Max on the GPU: any number of broadcast inputs, through
// kernels::launch_variadic.
#include "backends/cuda/elementwise_adapter.h"
#include "backends/cuda/elementwise_kernels.h"
#include "backends/cuda/kernels/variadic_elementwise.h"

namespace fovea::cuda::elementwise_ops {
namespace {

Status run_variadic(GpuKernelContext& ctx, kernels::VariadicOp op) {
  if (ctx.num_inputs() == 0) return ctx.error("needs at least one input");
  std::vector<kernels::ElementwiseOperand> inputs;
  inputs.reserve(ctx.num_inputs());
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    FOVEA_ASSIGN_OR_RETURN(kernels::ElementwiseOperand in, broadcast_operand(ctx, i));
    if (ctx.input(i).dtype != ctx.input(0).dtype)
      return ctx.error("input {} is {}, input 0 is {}", i, dtype_name(ctx.input(i).dtype), dtype_name(ctx.input(0).dtype));
    inputs.push_back(std::move(in));
  }
  const Dims out_dims = ctx.output(0).dims;
  FOVEA_ASSIGN_OR_RETURN(DeviceTensor* y, checked_output(ctx, ctx.input(0).dtype, element_count(out_dims)));
  return launch_status(ctx, kernels::launch_variadic(op, inputs, y->data, out_dims, ctx.stream()), 0);
}

}  // namespace

Status run_min(GpuKernelContext& ctx) { return run_variadic(ctx, kernels::VariadicOp::kMin); }
Status run_max(GpuKernelContext& ctx) { return run_variadic(ctx, kernels::VariadicOp::kMax); }
Status run_sum(GpuKernelContext& ctx) { return run_variadic(ctx, kernels::VariadicOp::kSum); }
Status run_mean(GpuKernelContext& ctx) { return run_variadic(ctx, kernels::VariadicOp::kMean); }

}  // namespace fovea::cuda::elementwise_ops
