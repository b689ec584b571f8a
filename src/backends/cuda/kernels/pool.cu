// MaxPool and AveragePool: one thread per output element; the taps of each window that fall
// inside the input are found in O(1) per dim (as the CPU reference does), so a huge kernel_shape
// cannot make every thread loop over taps that all miss.
#include "backends/cuda/kernels/pool.h"

#include "backends/cuda/kernels/device_common.cuh"

namespace fovea::cuda::kernels {
namespace {

struct TapRange {
  int64_t kb, ke;
};

// Taps [kb, ke) whose positions start + k * d fall in [lo, hi).
__device__ __forceinline__ TapRange taps_in(int64_t start, int64_t k, int64_t d, int64_t lo, int64_t hi) {
  auto ceil_div = [](int64_t a, int64_t b) -> int64_t { return a <= 0 ? 0 : (a + b - 1) / b; };
  const int64_t b = ceil_div(lo - start, d) < k ? ceil_div(lo - start, d) : k;
  const int64_t e = ceil_div(hi - start, d) < k ? ceil_div(hi - start, d) : k;
  return {b, e > b ? e : b};
}

// Output element -> plane and window start per dim.
__device__ __forceinline__ void window_of(const PoolGeometry& g, int64_t i, int64_t* plane, int64_t st[3],
                                          int64_t* out_index) {
  const int64_t o2 = i % g.out[2];
  const int64_t o1 = (i / g.out[2]) % g.out[1];
  const int64_t o0 = (i / (g.out[2] * g.out[1])) % g.out[0];
  *plane = i / (g.out[0] * g.out[1] * g.out[2]);
  *out_index = i;
  st[0] = o0 * g.s[0] - g.pad_begin[0];
  st[1] = o1 * g.s[1] - g.pad_begin[1];
  st[2] = o2 * g.s[2] - g.pad_begin[2];
}

template <typename T>
__device__ __forceinline__ float as_float(T v) { return static_cast<float>(v); }
template <>
__device__ __forceinline__ float as_float<__half>(__half v) { return __half2float(v); }

template <typename T>
__device__ __forceinline__ T lowest_of();
template <> __device__ __forceinline__ float lowest_of<float>() { return -3.402823466e38f; }
template <> __device__ __forceinline__ __half lowest_of<__half>() { return __ushort_as_half(0xfbffu); }
template <> __device__ __forceinline__ int8_t lowest_of<int8_t>() { return -128; }
template <> __device__ __forceinline__ uint8_t lowest_of<uint8_t>() { return 0; }

template <typename T>
__global__ void max_pool_kernel(const T* x, T* y, int64_t* indices, PoolGeometry g, bool col_major) {
  const int64_t in_size = g.in[0] * g.in[1] * g.in[2];
  FOVEA_GRID_STRIDE_LOOP(i, g.planes * g.out[0] * g.out[1] * g.out[2]) {
    int64_t plane, oi, st[3];
    window_of(g, i, &plane, st, &oi);
    TapRange t[3];
    for (int a = 0; a < 3; ++a) t[a] = taps_in(st[a], g.k[a], g.d[a], 0, g.in[a]);
    const T* xp = x + plane * in_size;
    T best = lowest_of<T>();
    float best_f = 0.f;
    int64_t at[3] = {-1, -1, -1};
    for (int64_t k0 = t[0].kb; k0 < t[0].ke; ++k0) {
      const int64_t i0 = st[0] + k0 * g.d[0];
      for (int64_t k1 = t[1].kb; k1 < t[1].ke; ++k1) {
        const int64_t i1 = st[1] + k1 * g.d[1];
        for (int64_t k2 = t[2].kb; k2 < t[2].ke; ++k2) {
          const int64_t i2 = st[2] + k2 * g.d[2];
          const T v = xp[(i0 * g.in[1] + i1) * g.in[2] + i2];
          const float vf = as_float(v);
          if (at[0] < 0 || vf > best_f) best = v, best_f = vf, at[0] = i0, at[1] = i1, at[2] = i2;
        }
      }
    }
    y[oi] = best;
    if (indices) {
      int64_t flat = col_major ? at[0] + g.in[0] * (at[1] + g.in[1] * at[2]) : (at[0] * g.in[1] + at[1]) * g.in[2] + at[2];
      if (at[0] < 0) flat = -1;
      indices[oi] = plane * in_size + flat;
    }
  }
}

template <typename T>
__global__ void average_pool_kernel(const T* x, T* y, PoolGeometry g, bool count_include_pad) {
  const int64_t in_size = g.in[0] * g.in[1] * g.in[2];
  FOVEA_GRID_STRIDE_LOOP(i, g.planes * g.out[0] * g.out[1] * g.out[2]) {
    int64_t plane, oi, st[3];
    window_of(g, i, &plane, st, &oi);
    TapRange t[3];
    for (int a = 0; a < 3; ++a) t[a] = taps_in(st[a], g.k[a], g.d[a], 0, g.in[a]);
    const T* xp = x + plane * in_size;
    float sum = 0.f;
    for (int64_t k0 = t[0].kb; k0 < t[0].ke; ++k0) {
      const int64_t i0 = st[0] + k0 * g.d[0];
      for (int64_t k1 = t[1].kb; k1 < t[1].ke; ++k1) {
        const int64_t i1 = st[1] + k1 * g.d[1];
        for (int64_t k2 = t[2].kb; k2 < t[2].ke; ++k2) sum += load_float(xp, (i0 * g.in[1] + i1) * g.in[2] + st[2] + k2 * g.d[2]);
      }
    }
    int64_t count = 1;
    for (int a = 0; a < 3; ++a) {
      const TapRange c = count_include_pad ? taps_in(st[a], g.k[a], g.d[a], -g.pad_begin[a], g.in[a] + g.pad_end[a]) : t[a];
      count *= c.ke - c.kb;
    }
    store_float(y, oi, count > 0 ? sum / static_cast<float>(count) : 0.f);
  }
}

}  // namespace

bool max_pool_supports(ScalarKind k) {
  return k == ScalarKind::kF32 || k == ScalarKind::kF16 || k == ScalarKind::kI8 || k == ScalarKind::kU8;
}
bool average_pool_supports(ScalarKind k) { return k == ScalarKind::kF32 || k == ScalarKind::kF16; }

cudaError_t launch_max_pool(const PoolGeometry& g, ScalarKind kind, bool col_major, const void* x, void* y,
                            int64_t* indices, cudaStream_t stream) {
  const int64_t total = g.planes * g.out[0] * g.out[1] * g.out[2];
  if (total == 0) return cudaSuccess;
  const unsigned blocks = blocks_for(total);
  switch (kind) {
    case ScalarKind::kF32:
      max_pool_kernel<<<blocks, kThreadsPerBlock, 0, stream>>>(static_cast<const float*>(x), static_cast<float*>(y), indices, g, col_major);
      break;
    case ScalarKind::kF16:
      max_pool_kernel<<<blocks, kThreadsPerBlock, 0, stream>>>(static_cast<const __half*>(x), static_cast<__half*>(y), indices, g, col_major);
      break;
    case ScalarKind::kI8:
      max_pool_kernel<<<blocks, kThreadsPerBlock, 0, stream>>>(static_cast<const int8_t*>(x), static_cast<int8_t*>(y), indices, g, col_major);
      break;
    case ScalarKind::kU8:
      max_pool_kernel<<<blocks, kThreadsPerBlock, 0, stream>>>(static_cast<const uint8_t*>(x), static_cast<uint8_t*>(y), indices, g, col_major);
      break;
    default: return cudaErrorInvalidValue;
  }
  return cudaGetLastError();
}

cudaError_t launch_average_pool(const PoolGeometry& g, ScalarKind kind, bool count_include_pad, const void* x,
                                void* y, cudaStream_t stream) {
  const int64_t total = g.planes * g.out[0] * g.out[1] * g.out[2];
  if (total == 0) return cudaSuccess;
  const unsigned blocks = blocks_for(total);
  switch (kind) {
    case ScalarKind::kF32:
      average_pool_kernel<<<blocks, kThreadsPerBlock, 0, stream>>>(static_cast<const float*>(x), static_cast<float*>(y), g, count_include_pad);
      break;
    case ScalarKind::kF16:
      average_pool_kernel<<<blocks, kThreadsPerBlock, 0, stream>>>(static_cast<const __half*>(x), static_cast<__half*>(y), g, count_include_pad);
      break;
    default: return cudaErrorInvalidValue;
  }
  return cudaGetLastError();
}

}  // namespace fovea::cuda::kernels
