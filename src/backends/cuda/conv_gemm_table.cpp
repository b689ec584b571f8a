// The conv gemm family's GPU kernels: one line per op.
#include "backends/cuda/conv_gemm_kernels.h"
#include "backends/cuda/gpu_kernel_families.h"
#include "backends/cuda/max_pool_nhwc_op.h"

namespace fovea::cuda {

std::vector<GpuKernelEntry> conv_gemm_gpu_kernels() {
  return {
      {"", "Conv", run_conv, conv_tactics},
      {"fovea", "FusedConv", run_conv, conv_tactics},
      {"", "ConvTranspose", run_conv_transpose, conv_transpose_tactics},
      {"", "Gemm", run_gemm, gemm_tactics},
      {"fovea", "FusedGemm", run_gemm, gemm_tactics},
      {"", "MatMul", run_mat_mul, mat_mul_tactics},
      {"fovea", "FusedMatMul", run_mat_mul, mat_mul_tactics},
      {"fovea", "MaxPool", run_max_pool_nhwc},  // NHWC pooling inside the NHWC conv regions
  };
}

}  // namespace fovea::cuda
