#include "backends/cuda/cublaslt_node_state.h"

namespace fovea::cuda {

Result<CublasLtNodeState*> cublaslt_state(GpuKernelContext& ctx, const LtMatmulShape& shape, const void* bias) {
  auto& st = ctx.state_as<CublasLtNodeState>([] { return std::make_unique<CublasLtNodeState>(); });
  const Tactic* t = ctx.tactic();
  const uint32_t bias_align = pointer_alignment(bias);
  if (st.valid && st.shape == shape && st.bias_align == bias_align && st.workspace_limit == ctx.workspace_bytes() &&
      st.requested.has_value() == (t != nullptr) && (!t || *st.requested == *t))
    return &st;
  st.valid = false;
  FOVEA_RETURN_IF_ERROR(st.matmul.set(shape).with_context(ctx.node().describe()));
  FOVEA_ASSIGN_OR_RETURN(st.algos, st.matmul.heuristics(ctx.cublaslt(), ctx.workspace_bytes(), bias,
                                                        kCublasLtRequestedAlgos));
  const std::optional<size_t> chosen = choose_cublaslt_algo(st.algos, t, ctx.workspace_bytes());
  if (!chosen)
    return ctx.unsupported_here("cuBLASLt has no algorithm for this {}x{}x{} matmul within a {}-byte workspace",
                                shape.m, shape.n, shape.k, ctx.workspace_bytes());
  st.chosen = *chosen;
  st.shape = shape;
  st.bias_align = bias_align;
  st.workspace_limit = ctx.workspace_bytes();
  st.requested = t ? std::optional<Tactic>(*t) : std::nullopt;
  st.valid = true;
  return &st;
}

Result<std::vector<Tactic>> cublaslt_shape_tactics(GpuKernelContext& ctx, const LtMatmulShape& shape,
                                                   const void* bias) {
  LtMatmul matmul;
  FOVEA_RETURN_IF_ERROR(matmul.set(shape).with_context(ctx.node().describe()));
  FOVEA_ASSIGN_OR_RETURN(auto algos,
                         matmul.heuristics(ctx.cublaslt(), ctx.workspace_bytes(), bias, kCublasLtRequestedAlgos));
  if (algos.empty())
    return ctx.unsupported_here("cuBLASLt has no algorithm for this {}x{}x{} matmul", shape.m, shape.n, shape.k);
  return cublaslt_tactics(algos);
}

}  // namespace fovea::cuda
