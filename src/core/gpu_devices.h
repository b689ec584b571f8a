// Which CUDA GPUs this process can use (empty in a CPU-only build or on a machine without one).
#pragma once

#include <string>
#include <vector>

namespace fovea {

struct GpuDevice {
  int index = 0;
  std::string name;
  int compute_major = 0;
  int compute_minor = 0;
  size_t memory_bytes = 0;
  int multiprocessors = 0;
};

struct GpuRuntimeInfo {
  bool built_with_cuda = false;
  int runtime_version = 0;   // e.g. 13000 for CUDA 13.0; 0 when not built with CUDA
  int driver_version = 0;    // 0 when no driver is present
  std::string error;         // why no device is usable, when none is
  std::vector<GpuDevice> devices;
};

GpuRuntimeInfo query_gpu_runtime();

}  // namespace fovea
