// NonZero, Compress and NonMaxSuppression: the data-dependent ops. Each synchronizes once to
// learn its output size, then allocates the output (gpu_kernel.h). NonZero and Compress
// select on the device; NonMaxSuppression copies boxes and scores to the host and runs the
// shared reference selection (ops/non_max_suppression.h), the sequential greedy algorithm that
// defines the output order.
#include <cstring>

#include "backends/cuda/gpu_dtype.h"
#include "backends/cuda/kernels/select_nonzero.h"
#include "backends/cuda/reduction_nn_ops.h"
#include "ops/non_max_suppression.h"

namespace fovea::cuda {
namespace {

// Positions i < n where `data` is non-zero, left in the workspace; returns their count.
Result<int64_t> select_nonzero(GpuKernelContext& ctx, size_t input, const void* data, int64_t n, int64_t** positions) {
  const auto kind = to_scalar_kind(ctx.input(input).dtype);
  if (!kind || !kernels::select_nonzero_supports(*kind)) return ctx.unsupported_dtype(input);
  if (n == 0) return int64_t{0};
  size_t need = 0;
  FOVEA_RETURN_IF_ERROR(launch_status(ctx, kernels::select_nonzero_workspace_bytes(n, &need)));
  if (need > ctx.workspace_bytes())
    return ctx.unsupported_here("needs {} bytes of workspace, the build gave {} (raise workspace_bytes)", need,
                                ctx.workspace_bytes());
  int64_t* d_count = nullptr;
  FOVEA_RETURN_IF_ERROR(launch_status(ctx, kernels::launch_select_nonzero(*kind, data, n, ctx.workspace(),
                                                                          ctx.workspace_bytes(), positions, &d_count,
                                                                          ctx.stream())));
  int64_t count = 0;
  FOVEA_RETURN_IF_ERROR(launch_status(ctx, cudaMemcpyAsync(&count, d_count, sizeof(count), cudaMemcpyDeviceToHost, ctx.stream())));
  FOVEA_RETURN_IF_ERROR(launch_status(ctx, cudaStreamSynchronize(ctx.stream())));
  if (count < 0 || count > n) return internal_error("{}: selection count {} out of range", ctx.node().describe(), count);
  return count;
}

// A device tensor copied to a host Tensor (float16 widened to float32, which the reference
// selection handles).
Result<Tensor> to_host(GpuKernelContext& ctx, size_t i) {
  const DeviceTensor& d = ctx.input(i);
  FOVEA_ASSIGN_OR_RETURN(Tensor raw, Tensor::allocate(d.dtype, d.dims));
  if (raw.nbytes() > 0)
    FOVEA_RETURN_IF_ERROR(launch_status(ctx, cudaMemcpyAsync(raw.raw_data(), d.data, raw.nbytes(), cudaMemcpyDeviceToHost, ctx.stream())));
  FOVEA_RETURN_IF_ERROR(launch_status(ctx, cudaStreamSynchronize(ctx.stream())));
  if (d.dtype != DType::kFloat16) return raw;
  FOVEA_ASSIGN_OR_RETURN(Tensor wide, Tensor::allocate(DType::kFloat32, d.dims));
  for (int64_t k = 0; k < raw.numel(); ++k) wide.data<float>()[k] = half_to_float(raw.data<Half>()[k]);
  return wide;
}

}  // namespace

Status run_gpu_non_zero(GpuKernelContext& ctx) {
  const DeviceTensor& x = ctx.input(0);
  int64_t* positions = nullptr;
  FOVEA_ASSIGN_OR_RETURN(int64_t count, select_nonzero(ctx, 0, x.data, x.numel(), &positions));
  const int64_t rank = static_cast<int64_t>(x.dims.size());
  FOVEA_RETURN_IF_ERROR(ctx.allocate_output(0, {std::max<int64_t>(rank, 1), count}));
  DeviceTensor& y = ctx.output(0);
  if (rank == 0) {  // a scalar: one row of zeros
    if (y.nbytes() == 0) return Status::ok();
    return launch_status(ctx, cudaMemsetAsync(y.data, 0, y.nbytes(), ctx.stream()));
  }
  if (rank > kernels::kMaxRank) return ctx.unsupported_here("rank {} is above {}", rank, kernels::kMaxRank);
  return launch_status(ctx, kernels::launch_unravel_positions(positions, count, x.dims.data(), static_cast<int>(rank),
                                                              y.as<int64_t>(), ctx.stream()));
}

Status run_gpu_compress(GpuKernelContext& ctx) {
  const DeviceTensor& x = ctx.input(0);
  const DeviceTensor& cond = ctx.input(1);
  if (cond.dtype != DType::kBool) return ctx.unsupported_dtype(1);
  const bool has_axis = ctx.node().has_attribute("axis");
  FOVEA_ASSIGN_OR_RETURN(int64_t axis, ctx.node().attr_int("axis", 0));
  const int64_t rank = static_cast<int64_t>(x.dims.size());
  kernels::CompressGatherParams p;
  p.len = x.numel();
  p.elem_size = dtype_size(x.dtype);
  if (has_axis) {
    if (axis < 0) axis += rank;
    if (axis < 0 || axis >= rank) return ctx.error("axis {} is out of range for rank {}", axis, rank);
    p.len = x.dims[axis];
    for (int64_t d = 0; d < rank; ++d) {
      if (d < axis) p.outer *= x.dims[d];
      else if (d > axis) p.inner *= x.dims[d];
    }
  }
  const int64_t m = std::min(cond.numel(), p.len);
  int64_t* picked = nullptr;
  FOVEA_ASSIGN_OR_RETURN(p.kept, select_nonzero(ctx, 1, cond.data, m, &picked));
  Dims out_dims{p.kept};
  if (has_axis) {
    out_dims = x.dims;
    out_dims[axis] = p.kept;
  }
  FOVEA_RETURN_IF_ERROR(ctx.allocate_output(0, out_dims));
  return launch_status(ctx, kernels::launch_compress_gather(p, x.data, picked, ctx.output(0).data, ctx.stream()));
}

Status run_gpu_non_max_suppression(GpuKernelContext& ctx) {
  FOVEA_ASSIGN_OR_RETURN(Tensor boxes, to_host(ctx, 0));
  FOVEA_ASSIGN_OR_RETURN(Tensor scores, to_host(ctx, 1));
  // The optional scalars: the host value when known before the run, else a copy.
  Tensor scalars[3];
  const Tensor* scalar_ptrs[3] = {nullptr, nullptr, nullptr};
  for (size_t i = 2; i < 5; ++i) {
    if (!ctx.has_input(i)) continue;
    if (const Tensor* t = ctx.input_host_value(i)) {
      scalar_ptrs[i - 2] = t;
      continue;
    }
    FOVEA_ASSIGN_OR_RETURN(scalars[i - 2], to_host(ctx, i));
    scalar_ptrs[i - 2] = &scalars[i - 2];
  }
  FOVEA_ASSIGN_OR_RETURN(Tensor selected, select_non_max_suppression(ctx.node(), boxes, scores, scalar_ptrs[0],
                                                                      scalar_ptrs[1], scalar_ptrs[2]));
  FOVEA_RETURN_IF_ERROR(ctx.allocate_output(0, selected.dims()));
  if (selected.nbytes() == 0) return Status::ok();
  FOVEA_RETURN_IF_ERROR(launch_status(ctx, cudaMemcpyAsync(ctx.output(0).data, selected.raw_data(), selected.nbytes(),
                                                           cudaMemcpyHostToDevice, ctx.stream())));
  // `selected` is freed on return: the copy must be done.
  return launch_status(ctx, cudaStreamSynchronize(ctx.stream()));
}

}  // namespace fovea::cuda
