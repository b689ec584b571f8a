// Scratch device memory from the stream-ordered allocator (cudaMallocAsync): cheap once the pool
// is warm, and freed on the same stream, so decoders can take per-call scratch without a
// device-wide synchronization.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <utility>

#include "backends/cuda/cuda_check.h"
#include "core/status.h"

namespace fovea::vision::cuda {

class StreamOrderedBuffer {
 public:
  StreamOrderedBuffer() = default;
  ~StreamOrderedBuffer() { release(); }
  StreamOrderedBuffer(const StreamOrderedBuffer&) = delete;
  StreamOrderedBuffer& operator=(const StreamOrderedBuffer&) = delete;
  StreamOrderedBuffer(StreamOrderedBuffer&& o) noexcept
      : ptr_(std::exchange(o.ptr_, nullptr)), stream_(o.stream_) {}

  static Result<StreamOrderedBuffer> allocate(size_t bytes, cudaStream_t stream, const char* what) {
    StreamOrderedBuffer b;
    b.stream_ = stream;
    if (bytes == 0) return b;
    const cudaError_t e = cudaMallocAsync(&b.ptr_, bytes, stream);
    if (e != cudaSuccess) {
      cudaGetLastError();
      b.ptr_ = nullptr;
      return out_of_range("cannot allocate {} bytes of GPU memory for {}: {}", bytes, what, cudaGetErrorString(e));
    }
    return b;
  }
  // Returns the memory to the pool once the work enqueued so far on the stream is done.
  void release() {
    if (ptr_) cudaFreeAsync(ptr_, stream_);
    ptr_ = nullptr;
  }
  template <typename T>
  T* as(size_t byte_offset = 0) const {
    return reinterpret_cast<T*>(static_cast<std::byte*>(ptr_) + byte_offset);
  }

 private:
  void* ptr_ = nullptr;
  cudaStream_t stream_ = nullptr;
};

}  // namespace fovea::vision::cuda
