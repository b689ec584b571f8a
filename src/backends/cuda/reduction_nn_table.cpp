// The reduction nn family's GPU kernels: one line per op.
#include "backends/cuda/gpu_kernel_families.h"
#include "backends/cuda/reduction_nn_ops.h"

namespace fovea::cuda {

std::vector<GpuKernelEntry> reduction_nn_gpu_kernels() {
  return {
      // reductions (reduce_ops.cpp)
      {"", "ReduceMean", run_gpu_reduce_mean},
      {"", "ReduceSum", run_gpu_reduce_sum},
      {"", "ReduceMax", run_gpu_reduce_max},
      {"", "ReduceMin", run_gpu_reduce_min},
      {"", "ReduceProd", run_gpu_reduce_prod},
      {"", "ReduceL1", run_gpu_reduce_l1},
      {"", "ReduceL2", run_gpu_reduce_l2},
      {"", "ReduceSumSquare", run_gpu_reduce_sum_square},
      {"", "ReduceLogSum", run_gpu_reduce_log_sum},
      {"", "ReduceLogSumExp", run_gpu_reduce_log_sum_exp},
      {"", "ArgMax", run_gpu_arg_max},
      {"", "ArgMin", run_gpu_arg_min},
      // softmax family (softmax_ops.cpp, top_k_ops.cpp)
      {"", "Softmax", run_gpu_softmax},
      {"", "LogSoftmax", run_gpu_log_softmax},
      {"", "Hardmax", run_gpu_hardmax},
      {"", "TopK", run_gpu_top_k},
      // normalization (normalization_ops.cpp)
      {"", "BatchNormalization", run_gpu_batch_normalization},
      {"", "InstanceNormalization", run_gpu_instance_normalization},
      {"", "LayerNormalization", run_gpu_layer_normalization},
      {"", "LRN", run_gpu_lrn},
      // pooling (pool_ops.cpp)
      {"", "MaxPool", run_gpu_max_pool},
      {"", "AveragePool", run_gpu_average_pool},
      {"", "GlobalAveragePool", run_gpu_global_average_pool},
      {"", "GlobalMaxPool", run_gpu_global_max_pool},
      // data-dependent output shapes (selection_ops.cpp)
      {"", "NonZero", run_gpu_non_zero, nullptr, true},
      {"", "Compress", run_gpu_compress, nullptr, true},
      {"", "NonMaxSuppression", run_gpu_non_max_suppression, nullptr, true},
      // contraction and sampling (einsum_ops.cpp, sampling_ops.cpp)
      {"", "Einsum", run_gpu_einsum},
      {"", "GridSample", run_gpu_grid_sample},
      {"", "RoiAlign", run_gpu_roi_align},
      {"", "MaxUnpool", run_gpu_max_unpool},
  };
}

}  // namespace fovea::cuda
