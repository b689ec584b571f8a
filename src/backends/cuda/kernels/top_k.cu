// TopK: copy every slice into contiguous sort keys (NaN made one canonical NaN, -0 made +0, so
// the bit-wise radix order matches the CPU reference's comparison), sort (key, index) pairs per
// slice with CUB's stable segmented radix sort, then gather the first k of each slice.
#include "backends/cuda/kernels/top_k.h"

#include <cub/device/device_segmented_radix_sort.cuh>

#include "backends/cuda/kernels/device_common.cuh"

namespace fovea::cuda::kernels {
namespace {

constexpr size_t kAlign = 256;
size_t align_up(size_t b) { return (b + kAlign - 1) / kAlign * kAlign; }

template <typename T>
struct KeyOf {
  using type = T;
  static __device__ __forceinline__ T key(T v) { return v; }
};
template <>
struct KeyOf<float> {
  using type = float;
  static __device__ __forceinline__ float key(float v) { return v != v ? __int_as_float(0x7fc00000) : (v == 0.f ? 0.f : v); }
};
template <>
struct KeyOf<__half> {
  using type = float;  // widening is exact and keeps the order
  static __device__ __forceinline__ float key(__half h) { return KeyOf<float>::key(__half2float(h)); }
};

template <typename T, typename K>
__global__ void gather_keys(const T* x, K* keys, int* idx, int* offsets, TopKParams p) {
  const int64_t segments = p.outer * p.inner;
  FOVEA_GRID_STRIDE_LOOP(e, segments * p.n) {
    const int64_t s = e / p.n, i = e % p.n;
    const int64_t o = s / p.inner, j = s % p.inner;
    keys[e] = KeyOf<T>::key(x[(o * p.n + i) * p.inner + j]);
    idx[e] = static_cast<int>(i);
    if (i == 0) offsets[s] = static_cast<int>(e);
    if (e == 0) offsets[segments] = static_cast<int>(segments * p.n);
  }
}

template <typename T>
__global__ void scatter_top(const T* x, const int* sorted_idx, T* values, int64_t* indices, TopKParams p) {
  FOVEA_GRID_STRIDE_LOOP(e, p.outer * p.inner * p.k) {
    const int64_t s = e / p.k, i = e % p.k;
    const int64_t o = s / p.inner, j = s % p.inner;
    const int64_t src = sorted_idx[s * p.n + i];
    const int64_t dst = (o * p.k + i) * p.inner + j;
    if (values) values[dst] = x[(o * p.n + src) * p.inner + j];
    if (indices) indices[dst] = src;
  }
}

// Workspace layout: keys in, keys out, indices in, indices out, offsets, CUB scratch.
template <typename T>
struct Layout {
  using K = typename KeyOf<T>::type;
  size_t keys = 0, idx = 0, offsets = 0, cub = 0;

  cudaError_t compute(const TopKParams& p) {
    const int64_t total = p.outer * p.inner * p.n;
    const int64_t segments = p.outer * p.inner;
    if (total > 0x7fffffff || segments >= 0x7fffffff) return cudaErrorInvalidValue;
    keys = align_up(sizeof(K) * static_cast<size_t>(total));
    idx = align_up(sizeof(int) * static_cast<size_t>(total));
    offsets = align_up(sizeof(int) * static_cast<size_t>(segments + 1));
    return sort(p, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, 0);
  }
  size_t total() const { return 2 * keys + 2 * idx + offsets + cub; }

  cudaError_t sort(const TopKParams& p, void* temp, const K* kin, K* kout, const int* iin, int* iout, const int* begin,
                   const int* end, cudaStream_t stream) {
    const int items = static_cast<int>(p.outer * p.inner * p.n);
    const int segments = static_cast<int>(p.outer * p.inner);
    constexpr int bits = static_cast<int>(sizeof(K) * 8);
    size_t bytes = cub;
    cudaError_t e = p.largest
        ? cub::DeviceSegmentedRadixSort::SortPairsDescending(temp, bytes, kin, kout, iin, iout, items, segments, begin,
                                                             end, 0, bits, stream)
        : cub::DeviceSegmentedRadixSort::SortPairs(temp, bytes, kin, kout, iin, iout, items, segments, begin, end, 0,
                                                   bits, stream);
    if (!temp) cub = bytes;
    return e;
  }
};

template <typename T>
cudaError_t top_k_typed(const TopKParams& p, const void* x, void* values, int64_t* indices, void* workspace,
                        size_t workspace_bytes, cudaStream_t stream) {
  using K = typename Layout<T>::K;
  Layout<T> l;
  if (cudaError_t e = l.compute(p); e != cudaSuccess) return e;
  if (workspace_bytes < l.total()) return cudaErrorInvalidValue;
  auto* base = static_cast<char*>(workspace);
  K* kin = reinterpret_cast<K*>(base);
  K* kout = reinterpret_cast<K*>(base + l.keys);
  int* iin = reinterpret_cast<int*>(base + 2 * l.keys);
  int* iout = reinterpret_cast<int*>(base + 2 * l.keys + l.idx);
  int* offsets = reinterpret_cast<int*>(base + 2 * l.keys + 2 * l.idx);
  void* temp = base + 2 * l.keys + 2 * l.idx + l.offsets;
  const T* xt = static_cast<const T*>(x);
  const int64_t total = p.outer * p.inner * p.n;
  gather_keys<T, K><<<blocks_for(total), kThreadsPerBlock, 0, stream>>>(xt, kin, iin, offsets, p);
  if (cudaError_t e = cudaGetLastError(); e != cudaSuccess) return e;
  if (cudaError_t e = l.sort(p, temp, kin, kout, iin, iout, offsets, offsets + 1, stream); e != cudaSuccess) return e;
  scatter_top<T><<<blocks_for(p.outer * p.inner * p.k), kThreadsPerBlock, 0, stream>>>(
      xt, iout, static_cast<T*>(values), indices, p);
  return cudaGetLastError();
}

template <typename T>
cudaError_t workspace_typed(const TopKParams& p, size_t* bytes) {
  Layout<T> l;
  cudaError_t e = l.compute(p);
  *bytes = l.total();
  return e;
}

}  // namespace

bool top_k_supports(ScalarKind k) {
  return k == ScalarKind::kF32 || k == ScalarKind::kF16 || k == ScalarKind::kI32 || k == ScalarKind::kI64;
}

cudaError_t top_k_workspace_bytes(const TopKParams& p, size_t* bytes) {
  *bytes = 0;
  if (p.outer * p.inner * p.n == 0 || p.k == 0) return cudaSuccess;
  switch (p.kind) {
    case ScalarKind::kF32: return workspace_typed<float>(p, bytes);
    case ScalarKind::kF16: return workspace_typed<__half>(p, bytes);
    case ScalarKind::kI32: return workspace_typed<int32_t>(p, bytes);
    case ScalarKind::kI64: return workspace_typed<int64_t>(p, bytes);
    default: return cudaErrorInvalidValue;
  }
}

cudaError_t launch_top_k(const TopKParams& p, const void* x, void* values, int64_t* indices, void* workspace,
                         size_t workspace_bytes, cudaStream_t stream) {
  if (p.outer * p.inner * p.n == 0 || p.k == 0) return cudaSuccess;
  if (p.k > p.n) return cudaErrorInvalidValue;
  switch (p.kind) {
    case ScalarKind::kF32: return top_k_typed<float>(p, x, values, indices, workspace, workspace_bytes, stream);
    case ScalarKind::kF16: return top_k_typed<__half>(p, x, values, indices, workspace, workspace_bytes, stream);
    case ScalarKind::kI32: return top_k_typed<int32_t>(p, x, values, indices, workspace, workspace_bytes, stream);
    case ScalarKind::kI64: return top_k_typed<int64_t>(p, x, values, indices, workspace, workspace_bytes, stream);
    default: return cudaErrorInvalidValue;
  }
}

}  // namespace fovea::cuda::kernels
