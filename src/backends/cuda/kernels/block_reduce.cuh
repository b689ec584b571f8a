// Block-wide reductions for the reduction/normalization launchers: every thread of the block
// passes its partial, every thread gets the combined result. blockDim.x must be a multiple of
// 32 (at most 1024). Include only from .cu files.
#pragma once

#include <cuda_runtime.h>

namespace fovea::cuda::kernels {

template <typename Acc, typename Combine>
__device__ __forceinline__ Acc warp_reduce(Acc v, Combine combine) {
  for (int offset = 16; offset > 0; offset >>= 1) v = combine(v, __shfl_down_sync(0xffffffffu, v, offset));
  return v;
}

// All threads of the block must call it (it synchronizes). `scratch` holds 32 Acc in shared memory.
template <typename Acc, typename Combine>
__device__ __forceinline__ Acc block_reduce(Acc v, Combine combine, Acc* scratch) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const int warps = blockDim.x >> 5;
  v = warp_reduce(v, combine);
  __syncthreads();  // scratch may still be read by a previous call
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  if (warp == 0) {
    Acc w = scratch[lane < warps ? lane : 0];
    // Lanes at or past `warps` hold no partial: combine only partners below `warps`.
    for (int offset = 16; offset > 0; offset >>= 1) {
      const Acc other = __shfl_down_sync(0xffffffffu, w, offset);
      if (lane + offset < warps) w = combine(w, other);
    }
    if (lane == 0) scratch[0] = w;
  }
  __syncthreads();
  return scratch[0];
}

// Threads per block for a cooperative per-row kernel over rows of `len` elements: one warp for
// short rows, up to 256 threads for long ones.
inline int threads_for_row(long long len) {
  int t = 32;
  while (t < 256 && t < len) t *= 2;
  return t;
}

}  // namespace fovea::cuda::kernels
