// A kernel that keeps the GPU busy for a while, so that the work queued behind it is timed by
// CUDA events without the host's launch cost (the builder's tactic timing).
#pragma once

#include <cuda_runtime.h>

namespace fovea::cuda::kernels {

cudaError_t launch_gpu_spin(double microseconds, cudaStream_t stream);

}  // namespace fovea::cuda::kernels
