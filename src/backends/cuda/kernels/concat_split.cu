#include "backends/cuda/kernels/concat_split.h"

#include "backends/cuda/kernels/device_common.cuh"

namespace fovea::cuda::kernels {
namespace {

// Each thread moves one word; the chunk of a column is found by a short scan (<= 32 chunks).
template <typename W, bool kToWide>
__global__ void chunk_copy_kernel(ChunkCopyParams p, W* wide) {
  const int64_t first = p.chunk_begin[0];
  const int64_t span = p.chunk_begin[p.count] - first;
  const int64_t n = p.outer * span;
  FOVEA_GRID_STRIDE_LOOP(i, n) {
    const int64_t o = i / span;
    const int64_t c = first + (i - o * span);
    int j = 0;
    while (j + 1 < p.count && c >= p.chunk_begin[j + 1]) ++j;
    W* chunk = static_cast<W*>(p.chunks[j]);
    if (chunk == nullptr) continue;
    const int64_t width = p.chunk_begin[j + 1] - p.chunk_begin[j];
    const int64_t narrow = o * width + (c - p.chunk_begin[j]);
    const int64_t wide_at = o * p.wide_row + c;
    if (kToWide) wide[wide_at] = chunk[narrow];
    else chunk[narrow] = wide[wide_at];
  }
}

template <bool kToWide>
cudaError_t chunk_copy(const ChunkCopyParams& p, void* wide, cudaStream_t stream) {
  if (p.count <= 0 || p.count > ChunkCopyParams::kMaxChunks) return cudaErrorInvalidValue;
  const int64_t n = p.outer * (p.chunk_begin[p.count] - p.chunk_begin[0]);
  if (n <= 0) return cudaSuccess;
  const unsigned blocks = blocks_for(n);
  switch (p.element_size) {
    case 1: chunk_copy_kernel<uint8_t, kToWide><<<blocks, kThreadsPerBlock, 0, stream>>>(p, static_cast<uint8_t*>(wide)); break;
    case 2: chunk_copy_kernel<uint16_t, kToWide><<<blocks, kThreadsPerBlock, 0, stream>>>(p, static_cast<uint16_t*>(wide)); break;
    case 4: chunk_copy_kernel<uint32_t, kToWide><<<blocks, kThreadsPerBlock, 0, stream>>>(p, static_cast<uint32_t*>(wide)); break;
    case 8: chunk_copy_kernel<uint64_t, kToWide><<<blocks, kThreadsPerBlock, 0, stream>>>(p, static_cast<uint64_t*>(wide)); break;
    case 16: chunk_copy_kernel<uint4, kToWide><<<blocks, kThreadsPerBlock, 0, stream>>>(p, static_cast<uint4*>(wide)); break;
    default: return cudaErrorInvalidValue;
  }
  return cudaGetLastError();
}

}  // namespace

cudaError_t launch_concat_chunks(const ChunkCopyParams& p, void* wide_out, cudaStream_t stream) {
  return chunk_copy<true>(p, wide_out, stream);
}

cudaError_t launch_split_chunks(const ChunkCopyParams& p, const void* wide_in, cudaStream_t stream) {
  // The kernel only reads `wide` when splitting.
  return chunk_copy<false>(p, const_cast<void*>(wide_in), stream);
}

}  // namespace fovea::cuda::kernels
