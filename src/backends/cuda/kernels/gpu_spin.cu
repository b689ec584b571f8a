#include "backends/cuda/kernels/gpu_spin.h"

namespace fovea::cuda::kernels {
namespace {

__global__ void spin_kernel(long long nanoseconds) {
  unsigned long long t0;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t0));
  unsigned long long now = t0;
  while (now - t0 < static_cast<unsigned long long>(nanoseconds)) {
    __nanosleep(1000);
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(now));
  }
}

}  // namespace

cudaError_t launch_gpu_spin(double microseconds, cudaStream_t stream) {
  spin_kernel<<<1, 1, 0, stream>>>(static_cast<long long>(microseconds * 1000.0));
  return cudaGetLastError();
}

}  // namespace fovea::cuda::kernels
