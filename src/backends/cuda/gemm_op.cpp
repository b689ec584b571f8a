// Gemm and fovea.FusedGemm through cuBLASLt: alpha/beta and a full C in the matmul, a row-vector
// C (beta 1) and Relu in its epilogue, anything else (other C broadcasts, other activations) in
// our epilogue kernel afterwards, in the order act(alpha * op(A) op(B) + beta * C).
#include "backends/cuda/conv_fused_activation.h"
#include "backends/cuda/conv_gemm_kernels.h"
#include "backends/cuda/cublaslt_node_state.h"
#include "backends/cuda/cuda_check.h"
#include "backends/cuda/gemm_c_operand.h"

namespace fovea::cuda {
namespace {

using kernels::Activation;

struct GemmSetup {
  int64_t m = 0, n = 0, k = 0;
  bool trans_a = false, trans_b = false;
  float alpha = 1.0f, beta = 1.0f;
  GemmCPlan c;
  kernels::ActivationParams activation;
  bool relu_in_matmul = false;
  bool epilogue_kernel = false;
};

Result<GemmSetup> make_setup(GpuKernelContext& ctx) {
  const Node& node = ctx.node();
  const Dims& a = ctx.input(0).dims;
  const Dims& b = ctx.input(1).dims;
  if (a.size() != 2 || b.size() != 2)
    return ctx.error("A {} and B {} must both be 2-D", dims_to_string(a), dims_to_string(b));
  GemmSetup s;
  FOVEA_ASSIGN_OR_RETURN(int64_t ta, node.attr_int("transA", 0));
  FOVEA_ASSIGN_OR_RETURN(int64_t tb, node.attr_int("transB", 0));
  FOVEA_ASSIGN_OR_RETURN(s.alpha, node.attr_float("alpha", 1.0f));
  FOVEA_ASSIGN_OR_RETURN(s.beta, node.attr_float("beta", 1.0f));
  s.trans_a = ta != 0;
  s.trans_b = tb != 0;
  s.m = s.trans_a ? a[1] : a[0];
  s.k = s.trans_a ? a[0] : a[1];
  s.n = s.trans_b ? b[0] : b[1];
  const int64_t kb = s.trans_b ? b[1] : b[0];
  if (kb != s.k) return ctx.error("inner dims of op(A) {} and op(B) {} differ", s.k, kb);
  if (ctx.output(0).dims != Dims{s.m, s.n})
    return ctx.error("output has dims {}, expected [{}, {}]", dims_to_string(ctx.output(0).dims), s.m, s.n);
  const bool has_c = ctx.has_input(2);
  auto c = plan_gemm_c(has_c, has_c ? ctx.input(2).dims : Dims{}, s.m, s.n, s.beta);
  if (!c.is_ok()) return ctx.error("{}", c.status().message());
  s.c = *c;
  FOVEA_ASSIGN_OR_RETURN(s.activation, parse_fused_activation(node));
  s.relu_in_matmul = s.activation.kind == Activation::kRelu && s.c.mode != GemmCMode::kEpilogue;
  s.epilogue_kernel = s.c.mode == GemmCMode::kEpilogue || (s.activation.kind != Activation::kNone && !s.relu_in_matmul);
  return s;
}

LtMatmulShape lt_shape(GpuKernelContext& ctx, const GemmSetup& s) {
  LtMatmulShape l;
  l.dtype = ctx.input(0).dtype;
  l.m = s.m;
  l.n = s.n;
  l.k = s.k;
  l.trans_a = s.trans_a;
  l.trans_b = s.trans_b;
  l.with_c = s.c.mode == GemmCMode::kMatrix;
  l.with_bias = s.c.mode == GemmCMode::kRowBias;
  l.relu = s.relu_in_matmul;
  l.align_a = pointer_alignment(ctx.input(0).data);
  l.align_b = pointer_alignment(ctx.input(1).data);
  l.align_d = pointer_alignment(ctx.output(0).data);
  l.align_c = l.with_c ? pointer_alignment(ctx.input(2).data) : l.align_d;
  return l;
}

// Our kernel's part: C when the matmul could not take it (all of it when k == 0) and the activation
// when the matmul did not apply it.
Status run_epilogue(GpuKernelContext& ctx, kernels::ScalarKind kind, const GemmSetup& s, bool matmul_ran) {
  kernels::BiasActivationParams p;
  p.outer = s.m;
  p.channels = s.n;
  p.inner = 1;
  p.bias_scale = s.beta;
  p.activation = matmul_ran && s.relu_in_matmul ? kernels::ActivationParams{} : s.activation;
  const void* c = nullptr;
  if (s.c.mode == GemmCMode::kEpilogue || (!matmul_ran && s.c.mode != GemmCMode::kNone)) {
    c = ctx.input(2).data;
    p.bias_outer_stride = s.c.mode == GemmCMode::kMatrix ? s.n : s.c.mode == GemmCMode::kRowBias ? 0 : s.c.row_stride;
    p.bias_channel_stride = s.c.mode == GemmCMode::kEpilogue ? s.c.col_stride : 1;
  }
  if (!c && p.activation.kind == Activation::kNone) return Status::ok();
  return run_bias_activation(ctx, kind, p, ctx.output(0).data, c, nullptr);
}

}  // namespace

Status run_gemm(GpuKernelContext& ctx) {
  FOVEA_ASSIGN_OR_RETURN(kernels::ScalarKind kind, conv_gemm_float_kind(ctx));
  FOVEA_ASSIGN_OR_RETURN(GemmSetup s, make_setup(ctx));
  DeviceTensor& y = ctx.output(0);
  if (y.numel() == 0) return Status::ok();
  if (s.k == 0) {  // the product is zero
    FOVEA_CUDA_RETURN_IF_ERROR(cudaMemsetAsync(y.data, 0, y.nbytes(), ctx.stream()));
    return run_epilogue(ctx, kind, s, false);
  }
  const LtMatmulShape shape = lt_shape(ctx, s);
  const void* bias = shape.with_bias ? ctx.input(2).data : nullptr;
  FOVEA_ASSIGN_OR_RETURN(CublasLtNodeState * st, cublaslt_state(ctx, shape, bias));
  FOVEA_RETURN_IF_ERROR(st->matmul
                            .run(ctx.cublaslt(), st->algos[st->chosen].algo, s.alpha, s.beta, ctx.input(0).data,
                                 ctx.input(1).data, shape.with_c ? ctx.input(2).data : nullptr, y.data, bias,
                                 ctx.workspace(), ctx.workspace_bytes(), ctx.stream())
                            .with_context(ctx.node().describe()));
  if (!s.epilogue_kernel) return Status::ok();
  return run_epilogue(ctx, kind, s, true);
}

Result<std::vector<Tactic>> gemm_tactics(GpuKernelContext& ctx) {
  FOVEA_RETURN_IF_ERROR(conv_gemm_float_kind(ctx).status());
  FOVEA_ASSIGN_OR_RETURN(GemmSetup s, make_setup(ctx));
  if (ctx.output(0).numel() == 0 || s.k == 0) return std::vector<Tactic>{Tactic{"fovea:empty", 0, 0}};
  const LtMatmulShape shape = lt_shape(ctx, s);
  return cublaslt_shape_tactics(ctx, shape, shape.with_bias ? ctx.input(2).data : nullptr);
}

}  // namespace fovea::cuda
