// Concat and Split as one copy kernel: a "wide" tensor seen as [outer, wide_row] and up to
// kMaxChunks "narrow" tensors, each [outer, width_j], lying side by side along the row. Concat
// copies narrow -> wide, Split wide -> narrow; one launch moves every chunk. Framework-free.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

namespace fovea::cuda::kernels {

struct ChunkCopyParams {
  static constexpr int kMaxChunks = 32;
  int count = 0;                              // chunks in this launch
  int64_t outer = 0;                          // rows
  int64_t wide_row = 0;                       // elements per row of the wide tensor
  int64_t chunk_begin[kMaxChunks + 1] = {};   // column of chunk j in the wide row; [count] = end
  void* chunks[kMaxChunks] = {};              // narrow tensors; nullptr: skip (omitted Split output)
  int64_t element_size = 0;                   // 1, 2, 4, 8 or 16 bytes
};

// Moves the copy to the widest word (up to 16 bytes) that every column, the row and every
// pointer allow. Pure host logic.
inline void widen_chunk_copy(ChunkCopyParams* p, uintptr_t wide_address) {
  const int64_t e = p->element_size;
  for (int64_t w = 16; w > e; w /= 2) {
    const uintptr_t uw = static_cast<uintptr_t>(w);
    bool ok = (p->wide_row * e) % w == 0 && wide_address % uw == 0;
    for (int j = 0; ok && j <= p->count; ++j) ok = (p->chunk_begin[j] * e) % w == 0;
    for (int j = 0; ok && j < p->count; ++j) ok = reinterpret_cast<uintptr_t>(p->chunks[j]) % uw == 0;
    if (!ok) continue;
    p->wide_row = p->wide_row * e / w;
    for (int j = 0; j <= p->count; ++j) p->chunk_begin[j] = p->chunk_begin[j] * e / w;
    p->element_size = w;
    return;
  }
}

// Concat: wide[o, c] = chunk_j[o, c - begin_j] for the columns of this launch's chunks.
cudaError_t launch_concat_chunks(const ChunkCopyParams& p, void* wide_out, cudaStream_t stream);
// Split: chunk_j[o, c - begin_j] = wide[o, c].
cudaError_t launch_split_chunks(const ChunkCopyParams& p, const void* wide_in, cudaStream_t stream);

}  // namespace fovea::cuda::kernels
