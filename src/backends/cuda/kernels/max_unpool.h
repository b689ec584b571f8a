// Launcher of MaxUnpool (framework-free, DESIGN.md rule 3): y (zero-filled here) gets x[i] at
// the position of flat index indices[i] counted in `unpooled` dims, re-addressed into y's dims
// when output_shape made y larger. Indices outside the tensor are skipped (the CPU reference
// reports them as an error; a kernel cannot).
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

#include "backends/cuda/kernels/scalar_kind.h"

namespace fovea::cuda::kernels {

struct MaxUnpoolParams {
  int rank = 0;                    // at most kMaxRank
  int64_t unpooled[kMaxRank] = {};  // the default output dims the indices count in
  int64_t out[kMaxRank] = {};       // y's dims
  bool same_dims = true;
  int64_t count = 0;                // elements of x
  int64_t out_count = 0;            // elements of y
  size_t elem_size = 4;             // 1, 2, 4 or 8
};

cudaError_t launch_max_unpool(const MaxUnpoolParams& p, const void* x, const int64_t* indices, void* y,
                              cudaStream_t stream);

}  // namespace fovea::cuda::kernels
