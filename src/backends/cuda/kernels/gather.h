// Gather, GatherElements and GatherND launchers. Indices are int32 or int64 device tensors;
// negative ones count from the end of the axis. An index outside the axis writes zeros instead
// of the element: the CPU reference returns an error, which a kernel cannot. Framework-free.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "backends/cuda/kernels/scalar_kind.h"

namespace fovea::cuda::kernels {

// data [outer, axis_dim, inner], indices [index_count] -> out [outer, index_count, inner].
struct GatherParams {
  int64_t outer = 1, axis_dim = 0, index_count = 0, inner = 1;
  int64_t element_size = 0;  // 1, 2, 4 or 8 (the launcher widens contiguous runs)
  bool indices_int64 = true;
};
cudaError_t launch_gather(const GatherParams& p, const void* data, const void* indices, void* out,
                          cudaStream_t stream);

// out (shape of indices) [..i_axis..] = data[... indices[...] ...] along `axis`.
struct GatherElementsParams {
  int rank = 0, axis = 0;
  int64_t index_dims[kMaxRank] = {};
  int64_t data_strides[kMaxRank] = {};
  int64_t axis_dim = 0;
  int64_t element_size = 0;
  bool indices_int64 = true;
};
cudaError_t launch_gather_elements(const GatherElementsParams& p, const void* data, const void* indices, void* out,
                                   cudaStream_t stream);

// data [batches, d_0 .. d_{m-1}, slice...]; indices [batches, tuples, m]
// -> out [batches, tuples, slice] (batch_dims folded into `batches`).
struct GatherNdParams {
  int64_t batches = 1, tuples = 0, slice = 1;
  int index_depth = 0;              // m
  int64_t dims[kMaxRank] = {};      // d_0 .. d_{m-1}
  int64_t element_size = 0;
  bool indices_int64 = true;
};
cudaError_t launch_gather_nd(const GatherNdParams& p, const void* data, const void* indices, void* out,
                             cudaStream_t stream);

}  // namespace fovea::cuda::kernels
