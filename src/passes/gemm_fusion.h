// Gemm / MatMul + bias + activation -> fovea.FusedGemm / fovea.FusedMatMul (docs/fused-ops.md).
// A following Add of a constant that varies only along the output's last dim ([N], [1,N], [1,1,N],
// a scalar) becomes the bias (Gemm: C, beta = 1; MatMul: the 1-D bias input); then an optional
// activation (activation_match.h). Intermediates must be read only by the next absorbed node and
// not be graph outputs. Float32 only; nothing is rewritten when nothing would be absorbed.
#pragma once

#include "core/status.h"
#include "ir/graph.h"

namespace fovea {

// Returns the number of Gemm and MatMul nodes fused.
Result<int> fuse_gemm_matmul_bias_activation(Graph& graph);

}  // namespace fovea
