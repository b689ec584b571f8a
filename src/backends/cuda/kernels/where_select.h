// Where: out = cond ? x : y with multidirectional broadcasting (framework-free). Moves data
// only, so every kind works (selected by element size).
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <vector>

#include "backends/cuda/kernels/elementwise_operand.h"

namespace fovea::cuda::kernels {

// cond must be bool; x, y and out share one kind. cudaErrorNotSupported otherwise;
// cudaErrorInvalidValue when the rank exceeds kMaxRank and the broadcast needs strides.
cudaError_t launch_where(const ElementwiseOperand& cond, const ElementwiseOperand& x, const ElementwiseOperand& y,
                         void* out, const std::vector<int64_t>& out_dims, cudaStream_t stream);

}  // namespace fovea::cuda::kernels
