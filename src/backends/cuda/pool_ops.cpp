// MaxPool, AveragePool, GlobalAveragePool and GlobalMaxPool on the GPU. Window geometry comes
// from ops/conv_params.h as in the CPU reference; global pools are reductions over H*W rows.
#include "backends/cuda/gpu_dtype.h"
#include "backends/cuda/kernels/pool.h"
#include "backends/cuda/kernels/reduce.h"
#include "backends/cuda/reduction_nn_ops.h"
#include "ops/conv_params.h"

namespace fovea::cuda {
namespace {

Result<kernels::PoolGeometry> pool_geometry(const GpuKernelContext& ctx) {
  const Dims& xd = ctx.input(0).dims;
  if (xd.size() < 3 || xd.size() > 5)
    return ctx.unsupported_here("pooling over {} spatial dims; the CUDA kernel handles 1 to 3", static_cast<int64_t>(xd.size()) - 2);
  const int64_t r = static_cast<int64_t>(xd.size()) - 2;
  FOVEA_ASSIGN_OR_RETURN(WindowAttrs a, parse_window_attrs(ctx.node(), WindowKind::kPool, r, {}));
  const Dims in(xd.begin() + 2, xd.end());
  FOVEA_ASSIGN_OR_RETURN(ResolvedWindow w, resolve_window(ctx.node(), WindowKind::kPool, a, in));
  kernels::PoolGeometry g;
  g.planes = xd[0] * xd[1];
  for (int64_t i = 0; i < 3; ++i) {
    const int64_t j = i - (3 - r);
    if (j < 0) continue;  // leading unit dims keep their defaults
    g.in[i] = in[j];
    g.out[i] = w.out[j];
    g.k[i] = a.kernel[j];
    g.s[i] = a.strides[j];
    g.d[i] = a.dilations[j];
    g.pad_begin[i] = w.pads[j];
    g.pad_end[i] = w.pads[j + r];
  }
  return g;
}

Status run_global_pool(GpuKernelContext& ctx, kernels::ReduceOp op) {
  const DeviceTensor& x = ctx.input(0);
  const auto kind = to_scalar_kind(x.dtype);
  if (!kind || (*kind != kernels::ScalarKind::kF32 && *kind != kernels::ScalarKind::kF16))
    return ctx.unsupported_dtype(0);
  if (x.dims.size() < 2) return ctx.error("input must have rank >= 2, got {}", x.dims.size());
  // [N, C, spatial...] -> [N*C, spatial product]: reduce the contiguous spatial run.
  int64_t spatial = 1;
  for (size_t d = 2; d < x.dims.size(); ++d) spatial *= x.dims[d];
  kernels::ReduceParams p;
  p.op = op;
  p.kind = *kind;
  if (!kernels::plan_reduction({x.dims[0] * x.dims[1], spatial}, {false, true}, &p.plan))
    return internal_error("{}: global pool plan failed", ctx.node().describe());
  return launch_status(ctx, kernels::launch_reduce(p, x.data, ctx.output(0).data, ctx.stream()));
}

}  // namespace

Status run_gpu_max_pool(GpuKernelContext& ctx) {
  const auto kind = to_scalar_kind(ctx.input(0).dtype);
  if (!kind || !kernels::max_pool_supports(*kind)) return ctx.unsupported_dtype(0);
  FOVEA_ASSIGN_OR_RETURN(kernels::PoolGeometry g, pool_geometry(ctx));
  FOVEA_ASSIGN_OR_RETURN(int64_t storage_order, ctx.node().attr_int("storage_order", 0));
  int64_t* indices = ctx.has_output(1) ? ctx.output(1).as<int64_t>() : nullptr;
  return launch_status(ctx, kernels::launch_max_pool(g, *kind, storage_order == 1, ctx.input(0).data,
                                                     ctx.output(0).data, indices, ctx.stream()));
}

Status run_gpu_average_pool(GpuKernelContext& ctx) {
  const auto kind = to_scalar_kind(ctx.input(0).dtype);
  if (!kind || !kernels::average_pool_supports(*kind)) return ctx.unsupported_dtype(0);
  FOVEA_ASSIGN_OR_RETURN(kernels::PoolGeometry g, pool_geometry(ctx));
  FOVEA_ASSIGN_OR_RETURN(int64_t include_pad, ctx.node().attr_int("count_include_pad", 0));
  return launch_status(ctx, kernels::launch_average_pool(g, *kind, include_pad != 0, ctx.input(0).data,
                                                         ctx.output(0).data, ctx.stream()));
}

Status run_gpu_global_average_pool(GpuKernelContext& ctx) { return run_global_pool(ctx, kernels::ReduceOp::kMean); }
Status run_gpu_global_max_pool(GpuKernelContext& ctx) { return run_global_pool(ctx, kernels::ReduceOp::kMax); }

}  // namespace fovea::cuda
