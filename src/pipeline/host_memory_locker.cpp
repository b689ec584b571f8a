#include "pipeline/host_memory_locker.h"

namespace fovea::pipeline {

#ifndef FOVEA_HAVE_CUDA
// Without CUDA there is no GPU stage to DMA from page-locked memory.
std::shared_ptr<HostMemoryLocker> make_cuda_host_memory_locker() { return nullptr; }
#endif

}  // namespace fovea::pipeline
