// MatMul and fovea.FusedMatMul through cuBLASLt: batched with a constant stride per call (0 for a
// broadcast operand; see matmul_batch_plan.h), bias and Relu in cuBLASLt's epilogue, other
// activations in our epilogue kernel afterwards.
#include <algorithm>

#include "backends/cuda/conv_fused_activation.h"
#include "backends/cuda/conv_gemm_kernels.h"
#include "backends/cuda/cublaslt_node_state.h"
#include "backends/cuda/cuda_check.h"
#include "backends/cuda/matmul_batch_plan.h"

namespace fovea::cuda {
namespace {

using kernels::Activation;

struct MatMulSetup {
  MatMulBatchPlan plan;
  kernels::ActivationParams activation;
  bool has_bias = false;
};

Result<MatMulSetup> make_setup(GpuKernelContext& ctx) {
  MatMulSetup s;
  auto plan = plan_mat_mul(ctx.input(0).dims, ctx.input(1).dims);
  if (!plan.is_ok()) return ctx.error("{}", plan.status().message());
  s.plan = std::move(*plan);
  const int64_t calls = static_cast<int64_t>(s.plan.a_offsets.size());
  if (ctx.output(0).numel() != calls * s.plan.batch * s.plan.m * s.plan.n)
    return ctx.error("output has dims {}, which does not hold the {} products of {}x{}", dims_to_string(ctx.output(0).dims),
                     calls * s.plan.batch, s.plan.m, s.plan.n);
  FOVEA_ASSIGN_OR_RETURN(s.activation, parse_fused_activation(ctx.node()));
  s.has_bias = ctx.has_input(2);
  if (s.has_bias) {
    if (ctx.input(1).dims.size() < 2)
      return ctx.unsupported_here("a bias with a 1-D B is not supported on the GPU");
    if (ctx.input(2).numel() != s.plan.n)
      return ctx.error("bias has {} elements, the output's last dim is {}", ctx.input(2).numel(), s.plan.n);
  }
  return s;
}

// The smallest alignment of base + offset * element_size over the calls' offsets.
uint32_t min_alignment(const void* base, const std::vector<int64_t>& offsets, size_t element_size) {
  uint32_t align = pointer_alignment(base);
  for (int64_t off : offsets)
    align = std::min(align, pointer_alignment(static_cast<const char*>(base) + off * static_cast<int64_t>(element_size)));
  return align;
}

LtMatmulShape lt_shape(GpuKernelContext& ctx, const MatMulSetup& s) {
  const size_t es = dtype_size(ctx.input(0).dtype);
  const MatMulBatchPlan& p = s.plan;
  LtMatmulShape l;
  l.dtype = ctx.input(0).dtype;
  l.m = p.m;
  l.n = p.n;
  l.k = p.k;
  l.batch = p.batch;
  l.a_batch_stride = p.a_stride;
  l.b_batch_stride = p.b_stride;
  l.with_bias = s.has_bias;
  l.relu = s.activation.kind == Activation::kRelu;
  l.align_a = min_alignment(ctx.input(0).data, p.a_offsets, es);
  l.align_b = min_alignment(ctx.input(1).data, p.b_offsets, es);
  std::vector<int64_t> d_offsets;
  for (size_t c = 0; c < p.a_offsets.size(); ++c) d_offsets.push_back(static_cast<int64_t>(c) * p.batch * p.m * p.n);
  l.align_d = min_alignment(ctx.output(0).data, d_offsets, es);
  l.align_c = l.align_d;
  return l;
}

}  // namespace

Status run_mat_mul(GpuKernelContext& ctx) {
  FOVEA_ASSIGN_OR_RETURN(kernels::ScalarKind kind, conv_gemm_float_kind(ctx));
  FOVEA_ASSIGN_OR_RETURN(MatMulSetup s, make_setup(ctx));
  DeviceTensor& y = ctx.output(0);
  if (y.numel() == 0) return Status::ok();
  const MatMulBatchPlan& p = s.plan;
  const void* bias = s.has_bias ? ctx.input(2).data : nullptr;
  kernels::BiasActivationParams ep;
  ep.outer = y.numel() / p.n;
  ep.channels = p.n;
  ep.inner = 1;
  ep.activation = s.activation;
  if (p.k == 0) {  // the products are zero: bias and activation only
    FOVEA_CUDA_RETURN_IF_ERROR(cudaMemsetAsync(y.data, 0, y.nbytes(), ctx.stream()));
    if (!bias && s.activation.kind == Activation::kNone) return Status::ok();
    return run_bias_activation(ctx, kind, ep, y.data, bias, nullptr);
  }
  const LtMatmulShape shape = lt_shape(ctx, s);
  FOVEA_ASSIGN_OR_RETURN(CublasLtNodeState * st, cublaslt_state(ctx, shape, bias));
  const size_t es = dtype_size(y.dtype);
  const auto* a = static_cast<const char*>(ctx.input(0).data);
  const auto* b = static_cast<const char*>(ctx.input(1).data);
  auto* d = static_cast<char*>(y.data);
  for (size_t c = 0; c < p.a_offsets.size(); ++c) {
    const int64_t d_off = static_cast<int64_t>(c) * p.batch * p.m * p.n;
    FOVEA_RETURN_IF_ERROR(st->matmul
                              .run(ctx.cublaslt(), st->algos[st->chosen].algo, 1.0f, 0.0f,
                                   a + p.a_offsets[c] * static_cast<int64_t>(es),
                                   b + p.b_offsets[c] * static_cast<int64_t>(es), nullptr,
                                   d + d_off * static_cast<int64_t>(es), bias, ctx.workspace(), ctx.workspace_bytes(),
                                   ctx.stream())
                              .with_context(ctx.node().describe()));
  }
  if (s.activation.kind == Activation::kNone || s.activation.kind == Activation::kRelu) return Status::ok();
  return run_bias_activation(ctx, kind, ep, y.data, nullptr, nullptr);
}

Result<std::vector<Tactic>> mat_mul_tactics(GpuKernelContext& ctx) {
  FOVEA_RETURN_IF_ERROR(conv_gemm_float_kind(ctx).status());
  FOVEA_ASSIGN_OR_RETURN(MatMulSetup s, make_setup(ctx));
  if (ctx.output(0).numel() == 0 || s.plan.k == 0) return std::vector<Tactic>{Tactic{"fovea:empty", 0, 0}};
  return cublaslt_shape_tactics(ctx, lt_shape(ctx, s), s.has_bias ? ctx.input(2).data : nullptr);
}

}  // namespace fovea::cuda
