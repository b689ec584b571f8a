// BatchNormalization (inference), InstanceNormalization, LayerNormalization and LRN on the GPU.
#include "backends/cuda/gpu_dtype.h"
#include "backends/cuda/kernels/normalization.h"
#include "backends/cuda/reduction_nn_ops.h"

namespace fovea::cuda {
namespace {

// Kind of input i when it is a supported parameter tensor (scale, bias, mean, var).
Result<kernels::ScalarKind> param_kind(const GpuKernelContext& ctx, size_t i) {
  const auto kind = to_scalar_kind(ctx.input(i).dtype);
  if (!kind || !kernels::normalization_param_supports(*kind)) return ctx.unsupported_dtype(i);
  return *kind;
}

Result<kernels::ScalarKind> data_kind(const GpuKernelContext& ctx) {
  const auto kind = to_scalar_kind(ctx.input(0).dtype);
  if (!kind || !kernels::normalization_supports(*kind)) return ctx.unsupported_dtype(0);
  if (ctx.input(0).dims.size() < 2) return ctx.error("input must have rank >= 2, got {}", ctx.input(0).dims.size());
  return *kind;
}

// X viewed as [n, c, inner].
void split_nc(const Dims& d, int64_t* n, int64_t* c, int64_t* inner) {
  *n = d[0];
  *c = d[1];
  *inner = 1;
  for (size_t i = 2; i < d.size(); ++i) *inner *= d[i];
}

// Kind of optional output i (Mean / InvStdDev of LayerNormalization).
Result<kernels::ScalarKind> stat_kind(GpuKernelContext& ctx, size_t i) {
  if (!ctx.has_output(i)) return kernels::ScalarKind::kF32;
  const auto kind = to_scalar_kind(ctx.output(i).dtype);
  if (!kind || !kernels::normalization_param_supports(*kind))
    return ctx.unsupported_here("output {} has dtype {}", i, dtype_name(ctx.output(i).dtype));
  return *kind;
}

// How a parameter of dims `p` indexes a normalized row of dims `norm` (numpy broadcast).
Status param_index(const GpuKernelContext& ctx, const Dims& norm, const Dims& p, int64_t inner, bool* contiguous,
                   kernels::StridedIndexer* ix) {
  *contiguous = element_count(p) == inner;
  if (*contiguous) return Status::ok();
  if (p.size() > norm.size() || !kernels::make_broadcast_indexer(norm, p, ix))
    return ctx.unsupported_here("parameter dims {} do not broadcast to the normalized dims {} within rank {}",
                                dims_to_string(p), dims_to_string(norm), kernels::kMaxRank);
  return Status::ok();
}

}  // namespace

Status run_gpu_batch_normalization(GpuKernelContext& ctx) {
  kernels::BatchNormParams p;
  FOVEA_ASSIGN_OR_RETURN(p.x_kind, data_kind(ctx));
  FOVEA_ASSIGN_OR_RETURN(p.scale_kind, param_kind(ctx, 1));
  FOVEA_ASSIGN_OR_RETURN(p.bias_kind, param_kind(ctx, 2));
  FOVEA_ASSIGN_OR_RETURN(p.mean_kind, param_kind(ctx, 3));
  FOVEA_ASSIGN_OR_RETURN(p.var_kind, param_kind(ctx, 4));
  FOVEA_ASSIGN_OR_RETURN(p.epsilon, ctx.node().attr_float("epsilon", 1e-5f));
  FOVEA_ASSIGN_OR_RETURN(int64_t spatial, ctx.node().attr_int("spatial", 1));
  split_nc(ctx.input(0).dims, &p.n, &p.c, &p.inner);
  p.per_channel = spatial != 0;
  const int64_t params = p.per_channel ? p.c : p.c * p.inner;
  for (size_t i = 1; i <= 4; ++i)
    if (ctx.input(i).numel() != params)
      return ctx.error("input {} has {} elements, expected {}", i, ctx.input(i).numel(), params);
  return launch_status(ctx, kernels::launch_batch_norm(p, ctx.input(0).data, ctx.input(1).data, ctx.input(2).data,
                                                       ctx.input(3).data, ctx.input(4).data, ctx.output(0).data,
                                                       ctx.stream()));
}

Status run_gpu_instance_normalization(GpuKernelContext& ctx) {
  kernels::InstanceNormParams p;
  FOVEA_ASSIGN_OR_RETURN(p.x_kind, data_kind(ctx));
  FOVEA_ASSIGN_OR_RETURN(p.scale_kind, param_kind(ctx, 1));
  FOVEA_ASSIGN_OR_RETURN(p.bias_kind, param_kind(ctx, 2));
  FOVEA_ASSIGN_OR_RETURN(p.epsilon, ctx.node().attr_float("epsilon", 1e-5f));
  split_nc(ctx.input(0).dims, &p.n, &p.c, &p.inner);
  for (size_t i = 1; i <= 2; ++i)
    if (ctx.input(i).numel() != p.c) return ctx.error("input {} has {} elements, expected {}", i, ctx.input(i).numel(), p.c);
  return launch_status(ctx, kernels::launch_instance_norm(p, ctx.input(0).data, ctx.input(1).data, ctx.input(2).data,
                                                          ctx.output(0).data, ctx.stream()));
}

Status run_gpu_layer_normalization(GpuKernelContext& ctx) {
  const DeviceTensor& x = ctx.input(0);
  kernels::LayerNormParams p;
  auto kind = to_scalar_kind(x.dtype);
  if (!kind || !kernels::normalization_supports(*kind)) return ctx.unsupported_dtype(0);
  p.x_kind = *kind;
  FOVEA_ASSIGN_OR_RETURN(p.scale_kind, param_kind(ctx, 1));
  if (ctx.has_input(2)) {
    FOVEA_ASSIGN_OR_RETURN(p.bias_kind, param_kind(ctx, 2));
  }
  FOVEA_ASSIGN_OR_RETURN(p.mean_kind, stat_kind(ctx, 1));
  FOVEA_ASSIGN_OR_RETURN(p.inv_std_kind, stat_kind(ctx, 2));
  FOVEA_ASSIGN_OR_RETURN(int64_t axis, ctx.node().attr_int("axis", -1));
  FOVEA_ASSIGN_OR_RETURN(p.epsilon, ctx.node().attr_float("epsilon", 1e-5f));
  const int64_t rank = static_cast<int64_t>(x.dims.size());
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) return ctx.error("axis {} is out of range for rank {}", axis, rank);
  const Dims norm(x.dims.begin() + axis, x.dims.end());
  p.inner = element_count(norm);
  p.outer = element_count(Dims(x.dims.begin(), x.dims.begin() + axis));
  FOVEA_RETURN_IF_ERROR(param_index(ctx, norm, ctx.input(1).dims, p.inner, &p.scale_contiguous, &p.scale_index));
  const void* bias = nullptr;
  if (ctx.has_input(2)) {
    FOVEA_RETURN_IF_ERROR(param_index(ctx, norm, ctx.input(2).dims, p.inner, &p.bias_contiguous, &p.bias_index));
    bias = ctx.input(2).data;
  }
  void* mean_out = ctx.has_output(1) ? ctx.output(1).data : nullptr;
  void* inv_std_out = ctx.has_output(2) ? ctx.output(2).data : nullptr;
  return launch_status(ctx, kernels::launch_layer_norm(p, x.data, ctx.input(1).data, bias, ctx.output(0).data,
                                                       mean_out, inv_std_out, ctx.stream()));
}

Status run_gpu_lrn(GpuKernelContext& ctx) {
  kernels::LrnParams p;
  FOVEA_ASSIGN_OR_RETURN(p.kind, data_kind(ctx));
  FOVEA_ASSIGN_OR_RETURN(p.size, ctx.node().attr_int("size", 1));
  FOVEA_ASSIGN_OR_RETURN(p.alpha, ctx.node().attr_float("alpha", 1e-4f));
  FOVEA_ASSIGN_OR_RETURN(p.beta, ctx.node().attr_float("beta", 0.75f));
  FOVEA_ASSIGN_OR_RETURN(p.bias, ctx.node().attr_float("bias", 1.f));
  if (p.size < 1) return ctx.error("size must be >= 1, got {}", p.size);
  split_nc(ctx.input(0).dims, &p.n, &p.c, &p.inner);
  return launch_status(ctx, kernels::launch_lrn(p, ctx.input(0).data, ctx.output(0).data, ctx.stream()));
}

}  // namespace fovea::cuda
