// Device-side helpers shared by the .cu launchers: float/half conversion, launch sizing,
// index arithmetic for broadcasting and strided access. Include only from .cu files.
#pragma once

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

#include "backends/cuda/kernels/scalar_kind.h"
#include "backends/cuda/kernels/strided_indexer.h"

namespace fovea::cuda::kernels {

// Loads and stores that compute in float for half tensors.
template <typename T>
__device__ __forceinline__ float load_float(const T* p, int64_t i) { return static_cast<float>(p[i]); }
template <>
__device__ __forceinline__ float load_float<__half>(const __half* p, int64_t i) { return __half2float(p[i]); }
template <typename T>
__device__ __forceinline__ void store_float(T* p, int64_t i, float v) { p[i] = static_cast<T>(v); }
template <>
__device__ __forceinline__ void store_float<__half>(__half* p, int64_t i, float v) { p[i] = __float2half_rn(v); }

inline constexpr int kThreadsPerBlock = 256;

// Blocks for a grid-stride loop over n elements (capped; the loop covers the rest).
inline unsigned int blocks_for(int64_t n, int threads = kThreadsPerBlock) {
  int64_t b = (n + threads - 1) / threads;
  if (b < 1) b = 1;
  if (b > 65535 * 8) b = 65535 * 8;
  return static_cast<unsigned int>(b);
}

#define FOVEA_GRID_STRIDE_LOOP(i, n)                                                          \
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < (n);     \
       i += static_cast<int64_t>(blockDim.x) * gridDim.x)

}  // namespace fovea::cuda::kernels
