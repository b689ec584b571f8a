// Launchers of MaxPool and AveragePool over 1-3 spatial dims, padded to 3 with leading unit dims
// (framework-free, DESIGN.md rule 3). Global pools go through launch_reduce.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "backends/cuda/kernels/scalar_kind.h"

namespace fovea::cuda::kernels {

// Window geometry per spatial dim: input and output extents, kernel, stride, dilation, pads.
struct PoolGeometry {
  int64_t planes = 0;  // N * C
  int64_t in[3] = {1, 1, 1}, out[3] = {1, 1, 1}, k[3] = {1, 1, 1}, s[3] = {1, 1, 1}, d[3] = {1, 1, 1};
  int64_t pad_begin[3] = {0, 0, 0}, pad_end[3] = {0, 0, 0};
};

// kF32, kF16, kI8, kU8. indices (int64, may be null) gets the flat input position of each max:
// plane * in_size + row-major spatial index, or the column-major spatial index when col_major
// (storage_order = 1); a window with no taps inside the input writes -1 as its spatial index.
bool max_pool_supports(ScalarKind kind);
cudaError_t launch_max_pool(const PoolGeometry& g, ScalarKind kind, bool col_major, const void* x, void* y,
                            int64_t* indices, cudaStream_t stream);

// kF32, kF16. Divides by the taps inside the input, or with count_include_pad by the taps inside
// the padded input (positions past the end pads never count).
bool average_pool_supports(ScalarKind kind);
cudaError_t launch_average_pool(const PoolGeometry& g, ScalarKind kind, bool count_include_pad, const void* x,
                                void* y, cudaStream_t stream);

}  // namespace fovea::cuda::kernels
