// NonZero / Compress selection: CUB's DeviceSelect::If over the counting sequence 0..n-1 keeps
// the positions whose element is non-zero, in increasing order.
#include "backends/cuda/kernels/select_nonzero.h"

#include <cub/device/device_select.cuh>
#include <thrust/iterator/counting_iterator.h>

#include "backends/cuda/kernels/device_common.cuh"

namespace fovea::cuda::kernels {
namespace {

constexpr size_t kAlign = 256;
size_t align_up(size_t b) { return (b + kAlign - 1) / kAlign * kAlign; }

template <typename T>
struct IsNonZero {
  const T* x;
  __device__ __forceinline__ bool operator()(int64_t i) const { return x[i] != T(0); }
};
template <>
struct IsNonZero<__half> {
  const __half* x;
  __device__ __forceinline__ bool operator()(int64_t i) const { return __half2float(x[i]) != 0.f; }
};

template <typename T>
cudaError_t select_typed(const void* x, int64_t n, void* temp, size_t* temp_bytes, int64_t* positions, int64_t* count,
                         cudaStream_t stream) {
  thrust::counting_iterator<int64_t> first(0);
  return cub::DeviceSelect::If(temp, *temp_bytes, first, positions, count, n, IsNonZero<T>{static_cast<const T*>(x)},
                               stream);
}

cudaError_t select_dispatch(ScalarKind kind, const void* x, int64_t n, void* temp, size_t* temp_bytes,
                            int64_t* positions, int64_t* count, cudaStream_t stream) {
  switch (kind) {
    case ScalarKind::kF32: return select_typed<float>(x, n, temp, temp_bytes, positions, count, stream);
    case ScalarKind::kF16: return select_typed<__half>(x, n, temp, temp_bytes, positions, count, stream);
    case ScalarKind::kF64: return select_typed<double>(x, n, temp, temp_bytes, positions, count, stream);
    case ScalarKind::kI64: case ScalarKind::kU64:
      return select_typed<uint64_t>(x, n, temp, temp_bytes, positions, count, stream);
    case ScalarKind::kI32: case ScalarKind::kU32:
      return select_typed<uint32_t>(x, n, temp, temp_bytes, positions, count, stream);
    case ScalarKind::kI16: case ScalarKind::kU16:
      return select_typed<uint16_t>(x, n, temp, temp_bytes, positions, count, stream);
    case ScalarKind::kI8: case ScalarKind::kU8: case ScalarKind::kBool:
      return select_typed<uint8_t>(x, n, temp, temp_bytes, positions, count, stream);
  }
  return cudaErrorInvalidValue;
}

__global__ void unravel_kernel(const int64_t* positions, int64_t count, StridedIndexer dims, int64_t* out) {
  FOVEA_GRID_STRIDE_LOOP(k, count) {
    int64_t flat = positions[k];
    for (int d = dims.rank - 1; d >= 0; --d) {
      out[d * count + k] = flat % dims.out_dims[d];
      flat /= dims.out_dims[d];
    }
  }
}

template <typename W>
__global__ void compress_gather_kernel(const W* x, const int64_t* picked, W* y, CompressGatherParams p) {
  FOVEA_GRID_STRIDE_LOOP(e, p.outer * p.kept * p.inner) {
    const int64_t j = e % p.inner;
    const int64_t k = (e / p.inner) % p.kept;
    const int64_t o = e / (p.inner * p.kept);
    y[e] = x[(o * p.len + picked[k]) * p.inner + j];
  }
}

}  // namespace

bool select_nonzero_supports(ScalarKind) { return true; }

cudaError_t select_nonzero_workspace_bytes(int64_t n, size_t* bytes) {
  size_t temp = 0;
  const cudaError_t e = select_dispatch(ScalarKind::kF32, nullptr, n, nullptr, &temp, nullptr, nullptr, nullptr);
  *bytes = align_up(sizeof(int64_t) * static_cast<size_t>(n)) + align_up(sizeof(int64_t)) + temp;
  return e;
}

cudaError_t launch_select_nonzero(ScalarKind kind, const void* x, int64_t n, void* workspace, size_t workspace_bytes,
                                  int64_t** positions, int64_t** count, cudaStream_t stream) {
  auto* base = static_cast<char*>(workspace);
  *positions = reinterpret_cast<int64_t*>(base);
  *count = reinterpret_cast<int64_t*>(base + align_up(sizeof(int64_t) * static_cast<size_t>(n)));
  const size_t used = align_up(sizeof(int64_t) * static_cast<size_t>(n)) + align_up(sizeof(int64_t));
  if (workspace_bytes < used) return cudaErrorInvalidValue;
  size_t temp_bytes = 0;
  if (cudaError_t e = select_dispatch(kind, x, n, nullptr, &temp_bytes, *positions, *count, stream); e != cudaSuccess)
    return e;
  if (workspace_bytes < used + temp_bytes) return cudaErrorInvalidValue;
  return select_dispatch(kind, x, n, base + used, &temp_bytes, *positions, *count, stream);
}

cudaError_t launch_unravel_positions(const int64_t* positions, int64_t count, const int64_t* dims, int rank,
                                     int64_t* out, cudaStream_t stream) {
  if (count == 0 || rank == 0) return cudaSuccess;
  if (rank > kMaxRank) return cudaErrorInvalidValue;
  StridedIndexer ix;
  ix.rank = rank;
  for (int d = 0; d < rank; ++d) ix.out_dims[d] = dims[d];
  unravel_kernel<<<blocks_for(count), kThreadsPerBlock, 0, stream>>>(positions, count, ix, out);
  return cudaGetLastError();
}

cudaError_t launch_compress_gather(const CompressGatherParams& p, const void* x, const int64_t* picked, void* y,
                                   cudaStream_t stream) {
  const int64_t total = p.outer * p.kept * p.inner;
  if (total == 0) return cudaSuccess;
  const unsigned blocks = blocks_for(total);
  switch (p.elem_size) {
    case 1: compress_gather_kernel<<<blocks, kThreadsPerBlock, 0, stream>>>(static_cast<const uint8_t*>(x), picked, static_cast<uint8_t*>(y), p); break;
    case 2: compress_gather_kernel<<<blocks, kThreadsPerBlock, 0, stream>>>(static_cast<const uint16_t*>(x), picked, static_cast<uint16_t*>(y), p); break;
    case 4: compress_gather_kernel<<<blocks, kThreadsPerBlock, 0, stream>>>(static_cast<const uint32_t*>(x), picked, static_cast<uint32_t*>(y), p); break;
    case 8: compress_gather_kernel<<<blocks, kThreadsPerBlock, 0, stream>>>(static_cast<const uint64_t*>(x), picked, static_cast<uint64_t*>(y), p); break;
    default: return cudaErrorInvalidValue;
  }
  return cudaGetLastError();
}

}  // namespace fovea::cuda::kernels
