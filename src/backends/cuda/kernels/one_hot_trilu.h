// OneHot and Trilu launchers: each output element is chosen by comparing its position with an
// index (OneHot) or a diagonal offset (Trilu). Both write every output element. Framework-free.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "backends/cuda/kernels/scalar_kind.h"

namespace fovea::cuda::kernels {

// indices [outer, inner] of any numeric kind; values [off, on] on the device;
// out [outer, depth, inner] = on where indices[o, j] (negative counts from depth) equals the
// depth position, else off. Invalid or out-of-range indices give an all-off line.
struct OneHotParams {
  int64_t outer = 1, depth = 0, inner = 1;
  ScalarKind index_kind = ScalarKind::kI64;
  int64_t element_size = 0;  // of values and out
};
cudaError_t launch_one_hot(const OneHotParams& p, const void* indices, const void* values, void* out,
                           cudaStream_t stream);

// in/out [matrices, rows, cols]: element (i, j) kept when j - i >= k (upper) or j - i <= k
// (lower), zero otherwise.
struct TriluParams {
  int64_t matrices = 0, rows = 0, cols = 0, k = 0;
  bool upper = true;
  int64_t element_size = 0;
};
cudaError_t launch_trilu(const TriluParams& p, const void* in, void* out, cudaStream_t stream);

}  // namespace fovea::cuda::kernels
