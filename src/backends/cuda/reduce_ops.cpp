// Reduce* and ArgMax/ArgMin on the GPU: axes resolved exactly as the CPU reference does
// (ops/reduce_axes.h), then one launch_reduce / launch_arg_reduce.
#include "backends/cuda/gpu_dtype.h"
#include "backends/cuda/kernels/reduce.h"
#include "backends/cuda/reduction_nn_ops.h"
#include "ops/reduce_axes.h"

namespace fovea::cuda {
namespace {

using kernels::ReduceOp;

template <ReduceOp K>
Status run_reduce(GpuKernelContext& ctx) {
  const DeviceTensor& x = ctx.input(0);
  const int64_t rank = static_cast<int64_t>(x.dims.size());
  const Tensor* axes_value = nullptr;
  if (ctx.has_input(1)) {
    FOVEA_ASSIGN_OR_RETURN(axes_value, ctx.require_host_value(1, "axes"));
  }
  FOVEA_ASSIGN_OR_RETURN(auto axes, resolve_reduce_axes(ctx.node(), ctx.opset(), rank, ctx.has_input(1), axes_value));
  if (!axes) return internal_error("{}: reduce axes unknown at run time", ctx.node().describe());
  DeviceTensor& y = ctx.output(0);
  if (axes->identity) {
    if (x.nbytes() == 0) return Status::ok();
    return launch_status(ctx, cudaMemcpyAsync(y.data, x.data, x.nbytes(), cudaMemcpyDeviceToDevice, ctx.stream()));
  }
  const auto kind = to_scalar_kind(x.dtype);
  if (!kind || !kernels::reduce_supports(*kind)) return ctx.unsupported_dtype(0);
  kernels::ReduceParams p;
  p.op = K;
  p.kind = *kind;
  if (!kernels::plan_reduction(x.dims, axes->reduced, &p.plan))
    return ctx.unsupported_here("input rank {} is above the CUDA kernels' limit of {}", rank, kernels::kMaxRank);
  return launch_status(ctx, kernels::launch_reduce(p, x.data, y.data, ctx.stream()));
}

template <bool kMax>
Status run_arg_reduce(GpuKernelContext& ctx) {
  const DeviceTensor& x = ctx.input(0);
  FOVEA_ASSIGN_OR_RETURN(ReduceAxes axes, resolve_arg_reduce_axis(ctx.node(), static_cast<int64_t>(x.dims.size())));
  FOVEA_ASSIGN_OR_RETURN(int64_t last, ctx.node().attr_int("select_last_index", 0));
  const auto kind = to_scalar_kind(x.dtype);
  if (!kind || !kernels::arg_reduce_supports(*kind)) return ctx.unsupported_dtype(0);
  size_t axis = 0;
  while (axis < axes.reduced.size() && !axes.reduced[axis]) ++axis;
  if (axis == x.dims.size()) return internal_error("{}: no reduced axis", ctx.node().describe());
  kernels::ArgReduceParams p;
  p.is_max = kMax;
  p.select_last = last == 1;
  p.kind = *kind;
  for (size_t d = 0; d < x.dims.size(); ++d) {
    if (d < axis) p.outer *= x.dims[d];
    else if (d == axis) p.n = x.dims[d];
    else p.inner *= x.dims[d];
  }
  return launch_status(ctx, kernels::launch_arg_reduce(p, x.data, ctx.output(0).as<int64_t>(), ctx.stream()));
}

}  // namespace

Status run_gpu_reduce_mean(GpuKernelContext& ctx) { return run_reduce<ReduceOp::kMean>(ctx); }
Status run_gpu_reduce_sum(GpuKernelContext& ctx) { return run_reduce<ReduceOp::kSum>(ctx); }
Status run_gpu_reduce_max(GpuKernelContext& ctx) { return run_reduce<ReduceOp::kMax>(ctx); }
Status run_gpu_reduce_min(GpuKernelContext& ctx) { return run_reduce<ReduceOp::kMin>(ctx); }
Status run_gpu_reduce_prod(GpuKernelContext& ctx) { return run_reduce<ReduceOp::kProd>(ctx); }
Status run_gpu_reduce_l1(GpuKernelContext& ctx) { return run_reduce<ReduceOp::kL1>(ctx); }
Status run_gpu_reduce_l2(GpuKernelContext& ctx) { return run_reduce<ReduceOp::kL2>(ctx); }
Status run_gpu_reduce_sum_square(GpuKernelContext& ctx) { return run_reduce<ReduceOp::kSumSquare>(ctx); }
Status run_gpu_reduce_log_sum(GpuKernelContext& ctx) { return run_reduce<ReduceOp::kLogSum>(ctx); }
Status run_gpu_reduce_log_sum_exp(GpuKernelContext& ctx) { return run_reduce<ReduceOp::kLogSumExp>(ctx); }
Status run_gpu_arg_max(GpuKernelContext& ctx) { return run_arg_reduce<true>(ctx); }
Status run_gpu_arg_min(GpuKernelContext& ctx) { return run_arg_reduce<false>(ctx); }

}  // namespace fovea::cuda
