// The reduction nn family's GPU kernels: one line per op.
#include "backends/cuda/gpu_kernel_families.h"

namespace fovea::cuda {

std::vector<GpuKernelEntry> reduction_nn_gpu_kernels() {
  return {
  };
}

}  // namespace fovea::cuda
