// The per-node state of a cuBLASLt-backed kernel (Gemm, MatMul and their fused forms): the
// matmul configuration, the heuristic's algorithms and the chosen one, rebuilt only when the
// shape, alignments, workspace limit or requested tactic change.
#pragma once

#include <optional>
#include <vector>

#include "backends/cuda/cublaslt_matmul.h"
#include "backends/cuda/cublaslt_tactics.h"
#include "backends/cuda/gpu_kernel.h"

namespace fovea::cuda {

struct CublasLtNodeState final : GpuNodeState {
  LtMatmulShape shape;
  uint32_t bias_align = 256;
  size_t workspace_limit = 0;
  std::optional<Tactic> requested;
  bool valid = false;
  LtMatmul matmul;
  std::vector<cublasLtMatmulHeuristicResult_t> algos;
  size_t chosen = 0;
};

// The node's state for `shape` (with the bias pointer the runs pass), refreshed when needed.
Result<CublasLtNodeState*> cublaslt_state(GpuKernelContext& ctx, const LtMatmulShape& shape, const void* bias);

// The tactics for `shape` at the context's workspace limit (no state touched).
Result<std::vector<Tactic>> cublaslt_shape_tactics(GpuKernelContext& ctx, const LtMatmulShape& shape,
                                                   const void* bias);

}  // namespace fovea::cuda
