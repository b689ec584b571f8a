// Checks the CUDA runtime query on a machine with a GPU: prints what query_gpu_runtime() sees and
// exits non-zero when it finds no device. Built alone (no other fovea dependency) so it runs on
// the GPU machine without the full toolchain:
//   nvcc -std=c++17 -DFOVEA_HAVE_CUDA -Isrc src/core/gpu_devices.cpp tests/gpu/gpu_devices_probe.cpp -o probe
#include <cstdio>

#include "core/gpu_devices.h"

int main() {
  const fovea::GpuRuntimeInfo info = fovea::query_gpu_runtime();
  std::printf("built_with_cuda=%d runtime=%d driver=%d devices=%zu %s\n", info.built_with_cuda, info.runtime_version,
              info.driver_version, info.devices.size(), info.error.c_str());
  for (const auto& d : info.devices)
    std::printf("gpu %d: %s sm_%d%d %d SMs %zu bytes\n", d.index, d.name.c_str(), d.compute_major, d.compute_minor,
                d.multiprocessors, d.memory_bytes);
  return info.devices.empty() ? 1 : 0;
}
