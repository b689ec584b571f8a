// Sum, Mean, Min, Max over any number of inputs with multidirectional broadcasting
// (framework-free). Inputs fold left to right as the CPU reference does
// (src/backends/cpu/variadic_elementwise.cpp); float16 accumulates in float32.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <vector>

#include "backends/cuda/kernels/elementwise_operand.h"

namespace fovea::cuda::kernels {

enum class VariadicOp { kSum, kMean, kMin, kMax };

// Inputs one kernel reads; more are folded in further launches that read the output back
// (float16 then rounds the running value once per launch).
inline constexpr int kMaxVariadicInputs = 8;

// out = op(inputs...) broadcast to out_dims; every input and the output share one numeric kind.
// cudaErrorNotSupported for another kind or mixed kinds; cudaErrorInvalidValue for no inputs
// or a rank over kMaxRank that needs strides.
cudaError_t launch_variadic(VariadicOp op, const std::vector<ElementwiseOperand>& inputs, void* out,
                            const std::vector<int64_t>& out_dims, cudaStream_t stream);

}  // namespace fovea::cuda::kernels
