// Conv and fovea.FusedConv: cuDNN forward convolution (bias + Relu/identity + residual fused
// through cudnnConvolutionBiasActivationForward where it can, else our epilogue kernel after the
// convolution) or, for depthwise convs, the direct kernel with everything fused. FusedConv with
// layout "NHWC" takes the same paths with NHWC descriptors and the NHWC depthwise kernel.
#include <optional>

#include "backends/cuda/conv_fused_activation.h"
#include "backends/cuda/conv_gemm_kernels.h"
#include "backends/cuda/conv_geometry.h"
#include "backends/cuda/conv_launch_params.h"
#include "backends/cuda/conv_tactic_id.h"
#include "backends/cuda/cuda_check.h"
#include "backends/cuda/cudnn_conv_descriptors.h"
#include "backends/cuda/kernels/conv_window_copy.h"
#include "backends/cuda/kernels/depthwise_conv.h"

namespace fovea::cuda {
namespace {

using kernels::Activation;

struct ConvCandidate {
  ConvTacticChoice choice;
  size_t workspace_bytes = 0;  // staged input + the algorithm's workspace
};

// What a conv node needs at one set of input dims.
struct ConvSetup {
  ConvProblem problem;
  CudnnConvShape shape;
  kernels::ActivationParams activation;
  bool residual_after_activation = false;
  bool has_bias = false;
  bool has_residual = false;
  std::vector<ConvCandidate> candidates;  // the default first
};

bool same_choice(const ConvTacticChoice& a, const ConvTacticChoice& b) {
  return a.depthwise == b.depthwise && (a.depthwise || (a.algo == b.algo && a.math == b.math && a.fused == b.fused));
}

bool input_empty(GpuKernelContext& ctx) { return ctx.input(0).numel() == 0 || ctx.input(1).numel() == 0; }

// Problem, epilogue and the candidates (descriptors in `desc` are left set for `shape`).
Status build_setup(GpuKernelContext& ctx, CudnnConvDescriptors& desc, ConvSetup* s) {
  const Node& node = ctx.node();
  FOVEA_ASSIGN_OR_RETURN(s->problem, make_conv_problem(node, false, ctx.input(0).dims, ctx.input(1).dims));
  FOVEA_ASSIGN_OR_RETURN(s->activation, parse_fused_activation(node));
  FOVEA_ASSIGN_OR_RETURN(s->residual_after_activation, parse_residual_after_activation(node));
  s->has_bias = ctx.has_input(2);
  s->has_residual = ctx.has_input(3);
  const DeviceTensor& y = ctx.output(0);
  const Dims expected_y = conv_output_dims(s->problem);
  if (y.dims != expected_y)
    return ctx.error("output has dims {}, the convolution gives {}", dims_to_string(y.dims), dims_to_string(expected_y));
  if (s->has_bias && ctx.input(2).numel() != s->problem.out_channels)
    return ctx.error("bias has {} elements, the output has {} channels", ctx.input(2).numel(), s->problem.out_channels);
  if (s->has_residual && ctx.input(3).dims != y.dims)
    return ctx.error("residual Z has dims {}, the output {}", dims_to_string(ctx.input(3).dims), dims_to_string(y.dims));
  s->candidates.clear();
  if (input_empty(ctx)) return Status::ok();

  const bool depthwise = depthwise_applies(s->problem);
  if (depthwise && s->problem.group > 1) s->candidates.push_back({ConvTacticChoice{.depthwise = true}, 0});
  const int64_t rank = static_cast<int64_t>(s->problem.in.size());
  if (rank <= 3) {
    FOVEA_ASSIGN_OR_RETURN(s->shape, cudnn_conv_shape(node, s->problem));
    FOVEA_RETURN_IF_ERROR(desc.set(s->shape, s->problem.group, ctx.input(0).dtype));
    FOVEA_ASSIGN_OR_RETURN(auto algos, desc.forward_candidates(ctx.cudnn()));
    const size_t staged = s->shape.staged ? align_workspace(staged_bytes(s->shape, dtype_size(ctx.input(0).dtype))) : 0;
    // cudnnConvolutionBiasActivationForward: y = act(conv + z + bias) with act Relu or identity,
    // the latter only with IMPLICIT_PRECOMP_GEMM.
    const Activation act = s->activation.kind;
    const bool fusable = s->has_bias && (act == Activation::kNone || act == Activation::kRelu) &&
                         (!s->has_residual || !s->residual_after_activation);
    for (const CudnnAlgoCandidate& a : algos) {
      const ConvTacticChoice plain{.algo = a.algo, .math = a.math};
      if (fusable && (act == Activation::kRelu || a.algo == CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM)) {
        ConvTacticChoice fused = plain;
        fused.fused = true;
        s->candidates.push_back({fused, staged + a.workspace_bytes});
      }
      s->candidates.push_back({plain, staged + a.workspace_bytes});
    }
  }
  if (depthwise && s->problem.group == 1) s->candidates.push_back({ConvTacticChoice{.depthwise = true}, 0});
  if (s->candidates.empty())
    return ctx.unsupported_here("no cuDNN algorithm supports this convolution (X {}, W {})",
                                dims_to_string(ctx.input(0).dims), dims_to_string(ctx.input(1).dims));
  return Status::ok();
}

Result<ConvCandidate> choose(GpuKernelContext& ctx, const std::vector<ConvCandidate>& candidates) {
  const size_t limit = ctx.workspace_bytes();
  if (const Tactic* t = ctx.tactic()) {
    if (auto want = decode_conv_tactic(*t, CUDNN_CONVOLUTION_FWD_ALGO_COUNT))
      for (const ConvCandidate& c : candidates)
        if (same_choice(c.choice, *want) && c.workspace_bytes <= limit) return c;
  }
  for (const ConvCandidate& c : candidates)
    if (c.workspace_bytes <= limit) return c;
  return ctx.unsupported_here("no convolution algorithm fits in the {}-byte workspace", limit);
}

struct ConvState final : GpuNodeState {
  Dims x_dims, w_dims;
  DType dtype = DType::kUndefined;
  bool has_bias = false, has_residual = false;
  std::optional<Tactic> requested;
  size_t workspace_limit = 0;
  bool valid = false;
  ConvSetup setup;
  CudnnConvDescriptors desc;
  ConvCandidate chosen;

  bool matches(GpuKernelContext& ctx) const {
    const Tactic* t = ctx.tactic();
    return valid && x_dims == ctx.input(0).dims && w_dims == ctx.input(1).dims && dtype == ctx.input(0).dtype &&
           has_bias == ctx.has_input(2) && has_residual == ctx.has_input(3) && workspace_limit == ctx.workspace_bytes() &&
           requested.has_value() == (t != nullptr) && (!t || *requested == *t);
  }
};

Status refresh_state(GpuKernelContext& ctx, ConvState& st) {
  if (st.matches(ctx)) return Status::ok();
  st.valid = false;
  FOVEA_RETURN_IF_ERROR(build_setup(ctx, st.desc, &st.setup));
  if (!input_empty(ctx)) {
    FOVEA_ASSIGN_OR_RETURN(st.chosen, choose(ctx, st.setup.candidates));
    if (!st.chosen.choice.depthwise) FOVEA_RETURN_IF_ERROR(st.desc.set_math(st.chosen.choice.math));
  }
  st.x_dims = ctx.input(0).dims;
  st.w_dims = ctx.input(1).dims;
  st.dtype = ctx.input(0).dtype;
  st.has_bias = ctx.has_input(2);
  st.has_residual = ctx.has_input(3);
  st.workspace_limit = ctx.workspace_bytes();
  st.requested = ctx.tactic() ? std::optional<Tactic>(*ctx.tactic()) : std::nullopt;
  st.valid = true;
  return Status::ok();
}

kernels::BiasActivationParams epilogue_params(const ConvSetup& s, const DeviceTensor& y) {
  return conv_epilogue_params(s.problem.nhwc, y.dims, s.activation, s.residual_after_activation);
}

bool needs_epilogue(const ConvSetup& s) {
  return s.has_bias || s.has_residual || s.activation.kind != Activation::kNone;
}

Status run_depthwise(GpuKernelContext& ctx, const ConvSetup& s, kernels::ScalarKind kind) {
  const kernels::DepthwiseConvParams d = depthwise_conv_params(s.problem, s.activation, s.residual_after_activation);
  const void* bias = s.has_bias ? ctx.input(2).data : nullptr;
  const void* residual = s.has_residual ? ctx.input(3).data : nullptr;
  const auto launch = s.problem.nhwc ? kernels::launch_depthwise_conv_nhwc : kernels::launch_depthwise_conv;
  FOVEA_CUDA_RETURN_IF_ERROR(
      launch(kind, d, ctx.input(0).data, ctx.input(1).data, bias, residual, ctx.output(0).data, ctx.stream()));
  return Status::ok();
}

Status run_cudnn(GpuKernelContext& ctx, ConvState& st, kernels::ScalarKind kind) {
  const ConvSetup& s = st.setup;
  const ConvTacticChoice& c = st.chosen.choice;
  const void* x = ctx.input(0).data;
  char* ws = static_cast<char*>(ctx.workspace());
  size_t ws_bytes = ctx.workspace_bytes();
  if (s.shape.staged) {
    // Zero-padded copy of X into the workspace; the library's workspace follows it.
    const kernels::WindowCopyParams cp = conv_input_staging_copy(s.shape);
    FOVEA_CUDA_RETURN_IF_ERROR(kernels::launch_window_copy(kind, cp, x, ws, ctx.stream()));
    x = ws;
    const size_t used = align_workspace(staged_bytes(s.shape, dtype_size(ctx.input(0).dtype)));
    ws += used;
    ws_bytes -= used;
  }
  DeviceTensor& y = ctx.output(0);
  const float one = 1.0f, zero = 0.0f;
  const auto algo = static_cast<cudnnConvolutionFwdAlgo_t>(c.algo);
  if (c.fused) {
    const float alpha2 = s.has_residual ? 1.0f : 0.0f;
    const void* z = s.has_residual ? ctx.input(3).data : y.data;
    cudnnActivationDescriptor_t act = s.activation.kind == Activation::kRelu ? st.desc.relu : st.desc.identity;
    const cudnnStatus_t fused_status = cudnnConvolutionBiasActivationForward(
        ctx.cudnn(), &one, st.desc.x, x, st.desc.w, ctx.input(1).data, st.desc.conv, algo, ws, ws_bytes, &alpha2,
        st.desc.y, z, st.desc.bias, ctx.input(2).data, act, st.desc.y, y.data);
    // NHWC: a cuDNN build that rejects this fused call for the NHWC descriptors (it enqueues
    // nothing then) gets the plain convolution and our epilogue below instead of an error.
    const bool rejected = fused_status == CUDNN_STATUS_NOT_SUPPORTED || fused_status == CUDNN_STATUS_BAD_PARAM;
    if (fused_status == CUDNN_STATUS_SUCCESS) return Status::ok();
    if (!(s.problem.nhwc && rejected)) return cudnn_status(fused_status, "cudnnConvolutionBiasActivationForward");
  }
  FOVEA_CUDNN_RETURN_IF_ERROR(cudnnConvolutionForward(ctx.cudnn(), &one, st.desc.x, x, st.desc.w, ctx.input(1).data,
                                                      st.desc.conv, algo, ws, ws_bytes, &zero, st.desc.y, y.data));
  if (!needs_epilogue(s)) return Status::ok();
  return run_bias_activation(ctx, kind, epilogue_params(s, y), y.data, s.has_bias ? ctx.input(2).data : nullptr,
                             s.has_residual ? ctx.input(3).data : nullptr);
}

}  // namespace

Status run_conv(GpuKernelContext& ctx) {
  FOVEA_ASSIGN_OR_RETURN(kernels::ScalarKind kind, conv_gemm_float_kind(ctx));
  DeviceTensor& y = ctx.output(0);
  if (y.numel() == 0) return Status::ok();
  ConvState& st = ctx.state_as<ConvState>([] { return std::make_unique<ConvState>(); });
  FOVEA_RETURN_IF_ERROR(refresh_state(ctx, st));
  if (input_empty(ctx)) {  // no input channels: the convolution sums nothing
    FOVEA_CUDA_RETURN_IF_ERROR(cudaMemsetAsync(y.data, 0, y.nbytes(), ctx.stream()));
    if (!needs_epilogue(st.setup)) return Status::ok();
    return run_bias_activation(ctx, kind, epilogue_params(st.setup, y), y.data,
                               st.setup.has_bias ? ctx.input(2).data : nullptr,
                               st.setup.has_residual ? ctx.input(3).data : nullptr);
  }
  if (st.chosen.choice.depthwise) return run_depthwise(ctx, st.setup, kind);
  return run_cudnn(ctx, st, kind);
}

Result<std::vector<Tactic>> conv_tactics(GpuKernelContext& ctx) {
  FOVEA_RETURN_IF_ERROR(conv_gemm_float_kind(ctx).status());
  if (ctx.output(0).numel() == 0 || input_empty(ctx)) return std::vector<Tactic>{Tactic{"fovea:empty", 0, 0}};
  CudnnConvDescriptors desc;
  ConvSetup setup;
  FOVEA_RETURN_IF_ERROR(build_setup(ctx, desc, &setup));
  std::vector<Tactic> out;
  for (const ConvCandidate& c : setup.candidates)
    out.push_back(Tactic{conv_tactic_name(c.choice, false), encode_conv_tactic(c.choice), c.workspace_bytes});
  return out;
}

}  // namespace fovea::cuda
