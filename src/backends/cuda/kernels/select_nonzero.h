// Launchers for the data-dependent selections NonZero and Compress (framework-free, DESIGN.md
// rule 3): a stream compaction of the positions whose element is non-zero, then a separate
// launch that writes the output once the host has read the count and allocated it.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

#include "backends/cuda/kernels/scalar_kind.h"
#include "backends/cuda/kernels/strided_indexer.h"

namespace fovea::cuda::kernels {

// Every kind of scalar_kind.h. -0.0 counts as zero, NaN as non-zero.
bool select_nonzero_supports(ScalarKind kind);
// Scratch for n elements: the selected positions (n int64), the count, and CUB's scratch.
cudaError_t select_nonzero_workspace_bytes(int64_t n, size_t* bytes);
// Writes the increasing positions i < n with x[i] != 0 to *positions and their number to
// *count (both device pointers carved out of the workspace; see select_nonzero_workspace_bytes).
cudaError_t launch_select_nonzero(ScalarKind kind, const void* x, int64_t n, void* workspace, size_t workspace_bytes,
                                  int64_t** positions, int64_t** count, cudaStream_t stream);

// NonZero's output: row d, column k = coordinate d of flat position positions[k] in `dims`
// (a [rank, count] int64 tensor).
cudaError_t launch_unravel_positions(const int64_t* positions, int64_t count, const int64_t* dims, int rank,
                                     int64_t* out, cudaStream_t stream);

// Compress's output: y[o, k, j] = x[o, picked[k], j] for x viewed as [outer, len, inner] with
// elements of elem_size bytes (1, 2, 4 or 8).
struct CompressGatherParams {
  int64_t outer = 1, len = 0, inner = 1, kept = 0;
  size_t elem_size = 4;
};
cudaError_t launch_compress_gather(const CompressGatherParams& p, const void* x, const int64_t* picked, void* y,
                                   cudaStream_t stream);

}  // namespace fovea::cuda::kernels
