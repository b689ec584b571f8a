#include "core/gpu_devices.h"

#ifdef FOVEA_HAVE_CUDA
#include <cuda_runtime_api.h>
#endif

namespace fovea {

GpuRuntimeInfo query_gpu_runtime() {
  GpuRuntimeInfo info;
#ifdef FOVEA_HAVE_CUDA
  info.built_with_cuda = true;
  cudaRuntimeGetVersion(&info.runtime_version);
  cudaDriverGetVersion(&info.driver_version);
  int count = 0;
  if (cudaError_t err = cudaGetDeviceCount(&count); err != cudaSuccess) {
    info.error = cudaGetErrorString(err);
    return info;
  }
  for (int i = 0; i < count; ++i) {
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, i) != cudaSuccess) continue;
    info.devices.push_back({i, prop.name, prop.major, prop.minor, prop.totalGlobalMem, prop.multiProcessorCount});
  }
#else
  info.error = "fovea was built without CUDA";
#endif
  return info;
}

}  // namespace fovea
