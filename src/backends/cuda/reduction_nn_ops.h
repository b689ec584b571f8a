// Host adapters of the reductions and nn (non-conv) family: each translates a node into a call
// of the launchers in kernels/{reduce,softmax,top_k,normalization,pool,select_nonzero,einsum,
// spatial_sampling,max_unpool}.h. Registered in reduction_nn_table.cpp.
#pragma once

#include "backends/cuda/gpu_kernel.h"

namespace fovea::cuda {

// An internal error naming the node when a launcher failed.
inline Status launch_status(const GpuKernelContext& ctx, cudaError_t e) {
  if (e == cudaSuccess) return Status::ok();
  return internal_error("{}: CUDA launch failed: {}", ctx.node().describe(), cudaGetErrorString(e));
}

// reduce_ops.cpp
Status run_gpu_reduce_mean(GpuKernelContext& ctx);
Status run_gpu_reduce_sum(GpuKernelContext& ctx);
Status run_gpu_reduce_max(GpuKernelContext& ctx);
Status run_gpu_reduce_min(GpuKernelContext& ctx);
Status run_gpu_reduce_prod(GpuKernelContext& ctx);
Status run_gpu_reduce_l1(GpuKernelContext& ctx);
Status run_gpu_reduce_l2(GpuKernelContext& ctx);
Status run_gpu_reduce_sum_square(GpuKernelContext& ctx);
Status run_gpu_reduce_log_sum(GpuKernelContext& ctx);
Status run_gpu_reduce_log_sum_exp(GpuKernelContext& ctx);
Status run_gpu_arg_max(GpuKernelContext& ctx);
Status run_gpu_arg_min(GpuKernelContext& ctx);
// softmax_ops.cpp
Status run_gpu_softmax(GpuKernelContext& ctx);
Status run_gpu_log_softmax(GpuKernelContext& ctx);
Status run_gpu_hardmax(GpuKernelContext& ctx);
// top_k_ops.cpp
Status run_gpu_top_k(GpuKernelContext& ctx);
// normalization_ops.cpp
Status run_gpu_batch_normalization(GpuKernelContext& ctx);
Status run_gpu_instance_normalization(GpuKernelContext& ctx);
Status run_gpu_layer_normalization(GpuKernelContext& ctx);
Status run_gpu_lrn(GpuKernelContext& ctx);
// pool_ops.cpp
Status run_gpu_max_pool(GpuKernelContext& ctx);
Status run_gpu_average_pool(GpuKernelContext& ctx);
Status run_gpu_global_average_pool(GpuKernelContext& ctx);
Status run_gpu_global_max_pool(GpuKernelContext& ctx);
// selection_ops.cpp (data-dependent output shapes)
Status run_gpu_non_zero(GpuKernelContext& ctx);
Status run_gpu_compress(GpuKernelContext& ctx);
Status run_gpu_non_max_suppression(GpuKernelContext& ctx);
// einsum_ops.cpp
Status run_gpu_einsum(GpuKernelContext& ctx);
// sampling_ops.cpp
Status run_gpu_grid_sample(GpuKernelContext& ctx);
Status run_gpu_roi_align(GpuKernelContext& ctx);
Status run_gpu_max_unpool(GpuKernelContext& ctx);

}  // namespace fovea::cuda
