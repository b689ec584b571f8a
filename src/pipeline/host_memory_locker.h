// Page-locking of host memory a source owns (cudaHostRegister in a CUDA build), so the GPU stages
// DMA frames straight from it instead of copying them through pinned staging first — what a
// camera driver that fills pinned buffers gives a real robot. Sources that pool their frame
// buffers (the synthetic camera) lock each buffer once; the pipeline asks every source that feeds
// a GPU model (FrameSource::use_page_locked_memory).
#pragma once

#include <cstddef>
#include <memory>

namespace fovea::pipeline {

class HostMemoryLocker {
 public:
  virtual ~HostMemoryLocker() = default;
  // false: the memory stays pageable (it still works, through the staging copy).
  virtual bool lock(void* data, size_t bytes) = 0;
  virtual void unlock(void* data) = 0;
};

// The CUDA implementation; nullptr in a build without CUDA or on a machine without a usable GPU.
std::shared_ptr<HostMemoryLocker> make_cuda_host_memory_locker();

}  // namespace fovea::pipeline
