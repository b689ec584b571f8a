// Launcher of Einsum as a generic contraction (framework-free, DESIGN.md rule 3): one thread per
// output element sums, over the reduction index space, the product of one element per input.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "backends/cuda/kernels/scalar_kind.h"

namespace fovea::cuda::kernels {

inline constexpr int kMaxEinsumInputs = 8;
inline constexpr int kMaxEinsumAxes = 8;  // output axes, and reduction axes, each

struct EinsumParams {
  ScalarKind kind = ScalarKind::kF32;  // kF32, kF16 (accumulate in float), kI32, kI64 (in int64)
  int num_inputs = 0;
  const void* inputs[kMaxEinsumInputs] = {};
  int out_rank = 0;
  int64_t out_size[kMaxEinsumAxes] = {};
  int64_t out_stride[kMaxEinsumInputs][kMaxEinsumAxes] = {};  // element stride of each output axis per input
  int red_rank = 0;
  int64_t red_size[kMaxEinsumAxes] = {};
  int64_t red_stride[kMaxEinsumInputs][kMaxEinsumAxes] = {};
  int64_t out_count = 0;
};

bool einsum_supports(ScalarKind kind);
cudaError_t launch_einsum(const EinsumParams& p, void* y, cudaStream_t stream);

}  // namespace fovea::cuda::kernels
