#include <cuda_runtime.h>

#include "core/logging.h"
#include "pipeline/host_memory_locker.h"

namespace fovea::pipeline {
namespace {

class CudaHostMemoryLocker final : public HostMemoryLocker {
 public:
  bool lock(void* data, size_t bytes) override {
    const cudaError_t e = cudaHostRegister(data, bytes, cudaHostRegisterDefault);
    if (e == cudaSuccess) return true;
    cudaGetLastError();
    log::warn("page-locking {} bytes of frame memory failed ({}); those frames go through pinned staging", bytes,
              cudaGetErrorString(e));
    return false;
  }
  void unlock(void* data) override {
    if (cudaHostUnregister(data) != cudaSuccess) cudaGetLastError();
  }
};

}  // namespace

std::shared_ptr<HostMemoryLocker> make_cuda_host_memory_locker() {
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
    cudaGetLastError();
    return nullptr;
  }
  return std::make_shared<CudaHostMemoryLocker>();
}

}  // namespace fovea::pipeline
