// MaxUnpool: clear y, then one thread per x element scatters it to its unpooled position.
#include "backends/cuda/kernels/max_unpool.h"

#include "backends/cuda/kernels/device_common.cuh"

namespace fovea::cuda::kernels {
namespace {

template <typename W>
__global__ void max_unpool_kernel(const W* x, const int64_t* indices, W* y, MaxUnpoolParams p) {
  int64_t total = 1;
  for (int d = 0; d < p.rank; ++d) total *= p.unpooled[d];
  FOVEA_GRID_STRIDE_LOOP(i, p.count) {
    int64_t flat = indices[i];
    if (flat < 0 || flat >= total) continue;
    int64_t at = flat;
    if (!p.same_dims) {
      at = 0;
      int64_t scale = 1;
      bool inside = true;
      for (int d = p.rank - 1; d >= 0; --d) {
        const int64_t c = flat % p.unpooled[d];
        flat /= p.unpooled[d];
        inside = inside && c < p.out[d];
        at += c * scale;
        scale *= p.out[d];
      }
      if (!inside) continue;
    }
    y[at] = x[i];
  }
}

}  // namespace

cudaError_t launch_max_unpool(const MaxUnpoolParams& p, const void* x, const int64_t* indices, void* y,
                              cudaStream_t stream) {
  if (p.out_count == 0) return cudaSuccess;
  if (p.rank > kMaxRank) return cudaErrorInvalidValue;
  if (cudaError_t e = cudaMemsetAsync(y, 0, static_cast<size_t>(p.out_count) * p.elem_size, stream); e != cudaSuccess)
    return e;
  if (p.count == 0) return cudaSuccess;
  const unsigned blocks = blocks_for(p.count);
  switch (p.elem_size) {
    case 1: max_unpool_kernel<<<blocks, kThreadsPerBlock, 0, stream>>>(static_cast<const uint8_t*>(x), indices, static_cast<uint8_t*>(y), p); break;
    case 2: max_unpool_kernel<<<blocks, kThreadsPerBlock, 0, stream>>>(static_cast<const uint16_t*>(x), indices, static_cast<uint16_t*>(y), p); break;
    case 4: max_unpool_kernel<<<blocks, kThreadsPerBlock, 0, stream>>>(static_cast<const uint32_t*>(x), indices, static_cast<uint32_t*>(y), p); break;
    case 8: max_unpool_kernel<<<blocks, kThreadsPerBlock, 0, stream>>>(static_cast<const uint64_t*>(x), indices, static_cast<uint64_t*>(y), p); break;
    default: return cudaErrorInvalidValue;
  }
  return cudaGetLastError();
}

}  // namespace fovea::cuda::kernels
