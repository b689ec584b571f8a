// The data movement family's GPU kernels: one line per op.
#include "backends/cuda/gpu_kernel_families.h"

namespace fovea::cuda {

std::vector<GpuKernelEntry> data_movement_gpu_kernels() {
  return {
  };
}

}  // namespace fovea::cuda
