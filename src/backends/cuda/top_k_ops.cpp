// TopK on the GPU: k from the attribute before opset 10, from input 1 (a host value) after.
#include "backends/cuda/gpu_dtype.h"
#include "backends/cuda/kernels/top_k.h"
#include "backends/cuda/reduction_nn_ops.h"

namespace fovea::cuda {

Status run_gpu_top_k(GpuKernelContext& ctx) {
  const DeviceTensor& x = ctx.input(0);
  const auto kind = to_scalar_kind(x.dtype);
  if (!kind || !kernels::top_k_supports(*kind)) return ctx.unsupported_dtype(0);
  const int64_t rank = static_cast<int64_t>(x.dims.size());
  FOVEA_ASSIGN_OR_RETURN(int64_t axis, ctx.node().attr_int("axis", -1));
  FOVEA_ASSIGN_OR_RETURN(int64_t largest, ctx.node().attr_int("largest", 1));
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) return ctx.error("axis {} is out of range for rank {}", axis, rank);
  int64_t k = 0;
  if (ctx.opset() < 10) {
    FOVEA_ASSIGN_OR_RETURN(k, ctx.node().attr_int("k", 0));
  } else {
    FOVEA_ASSIGN_OR_RETURN(const Tensor* kv, ctx.require_host_value(1, "k"));
    if (kv->numel() != 1) return ctx.error("k must hold one value, got {}", kv->numel());
    k = kv->int_at(0);
  }
  kernels::TopKParams p;
  p.kind = *kind;
  p.largest = largest == 1;
  p.k = k;
  for (int64_t d = 0; d < rank; ++d) {
    if (d < axis) p.outer *= x.dims[d];
    else if (d == axis) p.n = x.dims[d];
    else p.inner *= x.dims[d];
  }
  if (k < 0 || k > p.n) return ctx.error("k = {} is outside [0, {}]", k, p.n);
  size_t need = 0;
  if (kernels::top_k_workspace_bytes(p, &need) != cudaSuccess)
    return ctx.unsupported_here("{} elements are beyond the CUDA sort's 2^31 limit", p.outer * p.n * p.inner);
  if (need > ctx.workspace_bytes())
    return ctx.unsupported_here("needs {} bytes of workspace, the build gave {} (raise workspace_bytes)", need,
                                ctx.workspace_bytes());
  void* values = ctx.has_output(0) ? ctx.output(0).data : nullptr;
  int64_t* indices = ctx.has_output(1) ? ctx.output(1).as<int64_t>() : nullptr;
  return launch_status(ctx, kernels::launch_top_k(p, x.data, values, indices, ctx.workspace(), ctx.workspace_bytes(),
                                                  ctx.stream()));
}

}  // namespace fovea::cuda
