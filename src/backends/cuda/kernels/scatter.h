// ScatterND and ScatterElements (and the older Scatter) launchers. The caller first copies data
// into the output; these kernels then write or combine the updates in place. Reductions use
// atomics, so duplicate indices combine correctly; with reduction "none" and duplicate indices
// the winning update is unspecified (ONNX leaves it undefined too). Indices outside the axis
// skip the update: the CPU reference returns an error, which a kernel cannot. Framework-free.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "backends/cuda/kernels/scalar_kind.h"

namespace fovea::cuda::kernels {

enum class ScatterReduction { kNone, kAdd, kMul, kMax, kMin };

// out [d_0 .. d_{k-1}, inner...]; indices [tuples, k]; updates [tuples, inner].
struct ScatterNdParams {
  int64_t tuples = 0, inner = 1;
  int index_depth = 0;              // k
  int64_t dims[kMaxRank] = {};      // d_0 .. d_{k-1}
  ScalarKind kind = ScalarKind::kF32;
  ScatterReduction reduction = ScatterReduction::kNone;
  bool indices_int64 = true;
};
cudaError_t launch_scatter_nd(const ScatterNdParams& p, const void* indices, const void* updates, void* out,
                              cudaStream_t stream);

// updates and indices share `index_dims`; out has `data_strides`.
struct ScatterElementsParams {
  int rank = 0, axis = 0;
  int64_t index_dims[kMaxRank] = {};
  int64_t data_strides[kMaxRank] = {};
  int64_t axis_dim = 0;
  ScalarKind kind = ScalarKind::kF32;
  ScatterReduction reduction = ScatterReduction::kNone;
  bool indices_int64 = true;
};
cudaError_t launch_scatter_elements(const ScatterElementsParams& p, const void* indices, const void* updates,
                                    void* out, cudaStream_t stream);

}  // namespace fovea::cuda::kernels
