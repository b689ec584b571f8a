// Conv and fovea.FusedConv: cuDNN forward convolution (bias + Relu/identity + residual fused
// through cudnnConvolutionBiasActivationForward where it can, else our epilogue kernel after the
// convolution), cuDNN graph-API plans with the whole epilogue fused (cudnn_fused_conv_graph.h),
// or, for depthwise convs, the direct kernel with everything fused. FusedConv with layout "NHWC"
// takes the same paths with NHWC descriptors and the NHWC depthwise kernel.
#include <map>
#include <memory>
#include <optional>

#include "backends/cuda/conv_fused_activation.h"
#include "backends/cuda/conv_gemm_kernels.h"
#include "backends/cuda/conv_geometry.h"
#include "backends/cuda/conv_launch_params.h"
#include "backends/cuda/conv_tactic_id.h"
#include "backends/cuda/cuda_check.h"
#include "backends/cuda/cudnn_conv_descriptors.h"
#include "backends/cuda/cudnn_fused_conv_graph.h"
#include "backends/cuda/kernels/conv_window_copy.h"
#include "backends/cuda/kernels/depthwise_conv.h"
#include "core/logging.h"

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
  bool cudnn_view = false;                // `shape` is set (1-D / 2-D / 3-D convs)
  std::vector<ConvCandidate> candidates;  // the default first; graph-API plans are listed apart
};

bool same_choice(const ConvTacticChoice& a, const ConvTacticChoice& b) {
  if (a.graph || b.graph) return a.graph == b.graph;
  return a.depthwise == b.depthwise && (a.depthwise || (a.algo == b.algo && a.math == b.math && a.fused == b.fused));
}

bool input_empty(GpuKernelContext& ctx) { return ctx.input(0).numel() == 0 || ctx.input(1).numel() == 0; }

// Bytes of the workspace the zero-padded copy of X takes (0 when cuDNN reads X itself).
size_t staged_workspace(GpuKernelContext& ctx, const ConvSetup& s) {
  return s.shape.staged ? align_workspace(staged_bytes(s.shape, dtype_size(ctx.input(0).dtype))) : 0;
}

// The alignment a graph plan is finalized for: every pointer it may be given (the staged X lives
// at the workspace's start).
int64_t data_alignment(GpuKernelContext& ctx) {
  return pointer_alignment({ctx.input(0).data, ctx.input(1).data, ctx.has_input(2) ? ctx.input(2).data : nullptr,
                            ctx.has_input(3) ? ctx.input(3).data : nullptr, ctx.output(0).data, ctx.workspace()});
}

std::optional<FusedConvGraphSpec> graph_spec(GpuKernelContext& ctx, const ConvSetup& s) {
  if (!s.cudnn_view) return std::nullopt;
  return make_fused_conv_graph_spec(s.shape, s.problem.group, ctx.input(0).dtype, s.activation, s.has_bias,
                                    s.has_residual, s.residual_after_activation, data_alignment(ctx));
}

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
  s->cudnn_view = false;
  if (input_empty(ctx)) return Status::ok();

  const bool depthwise = depthwise_applies(s->problem);
  if (depthwise && s->problem.group > 1) s->candidates.push_back({ConvTacticChoice{.depthwise = true}, 0});
  const int64_t rank = static_cast<int64_t>(s->problem.in.size());
  if (rank <= 3) {
    FOVEA_ASSIGN_OR_RETURN(s->shape, cudnn_conv_shape(node, s->problem));
    s->cudnn_view = true;
    FOVEA_RETURN_IF_ERROR(desc.set(s->shape, s->problem.group, ctx.input(0).dtype));
    FOVEA_ASSIGN_OR_RETURN(auto algos, desc.forward_candidates(ctx.cudnn()));
    const size_t staged = staged_workspace(ctx, *s);
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
  int64_t alignment = 0;
  bool valid = false;
  ConvSetup setup;
  CudnnConvDescriptors desc;
  ConvCandidate chosen;
  std::shared_ptr<const FusedConvGraphPlan> graph_plan;  // set when `chosen` is a graph tactic
  // Finalized graph plans by shape and configuration: a context going back to a shape reuses them.
  std::map<std::string, FusedConvGraphCandidate> graph_plans;

  bool matches(GpuKernelContext& ctx) const {
    const Tactic* t = ctx.tactic();
    return valid && x_dims == ctx.input(0).dims && w_dims == ctx.input(1).dims && dtype == ctx.input(0).dtype &&
           has_bias == ctx.has_input(2) && has_residual == ctx.has_input(3) && workspace_limit == ctx.workspace_bytes() &&
           requested.has_value() == (t != nullptr) && (!t || *requested == *t) && alignment == data_alignment(ctx);
  }
};

// The plan of a graph tactic (from a plan file, the timing cache or the builder's timing).
Status choose_graph(GpuKernelContext& ctx, ConvState& st, const ConvTacticChoice& want) {
  auto spec = graph_spec(ctx, st.setup);
  if (!spec) return ctx.unsupported_here("the cuDNN graph tactic does not apply to this convolution");
  const std::string key = spec->key() + "|" + want.graph->to_string();
  auto it = st.graph_plans.find(key);
  if (it == st.graph_plans.end()) {
    FusedConvGraphCandidate c;
    const GraphShapePolicy policy = fused_conv_graph_shape_policy();
    if (policy == GraphShapePolicy::kTuned || fused_conv_graph_config_offered(*spec, *want.graph, ctx.cudnn())) {
      FOVEA_ASSIGN_OR_RETURN(c, fused_conv_graph_plan(ctx.cudnn(), *spec, *want.graph));
    } else if (policy == GraphShapePolicy::kOffered) {
      auto offered = list_fused_conv_graph_plans(ctx.cudnn(), *spec, ctx.workspace_bytes() - staged_workspace(ctx, st.setup), 1);
      if (offered.empty()) return ctx.unsupported_here("cuDNN offers no graph plan at this shape");
      c = std::move(offered.front());
    } else {
      return ctx.unsupported_here("the tuned graph configuration is not offered at this shape");
    }
    if (st.graph_plans.size() >= 8) st.graph_plans.clear();
    it = st.graph_plans.emplace(key, std::move(c)).first;
  }
  const size_t need = staged_workspace(ctx, st.setup) + it->second.workspace_bytes;
  if (need > ctx.workspace_bytes())
    return ctx.unsupported_here("the plan needs {} bytes of workspace, the context has {}", need,
                                ctx.workspace_bytes());
  st.chosen = ConvCandidate{ConvTacticChoice{.graph = it->second.config}, need};  // what runs, maybe not `want`
  st.graph_plan = it->second.plan;
  return Status::ok();
}

Status refresh_state(GpuKernelContext& ctx, ConvState& st) {
  if (st.matches(ctx)) return Status::ok();
  st.valid = false;
  st.graph_plan.reset();
  FOVEA_RETURN_IF_ERROR(build_setup(ctx, st.desc, &st.setup));
  if (!input_empty(ctx)) {
    const Tactic* t = ctx.tactic();
    const auto want = t ? decode_conv_tactic(*t, CUDNN_CONVOLUTION_FWD_ALGO_COUNT) : std::nullopt;
    if (want && want->graph) {
      // A plan that no longer finalizes (another cuDNN, another GPU) costs speed, not the run.
      const Status graph = choose_graph(ctx, st, *want);
      if (!graph.is_ok())
        log::warn("{}: tactic {} cannot run here ({}); using the default algorithm", ctx.node().describe(), t->name,
                  graph.message());
    }
    if (!st.graph_plan) {
      FOVEA_ASSIGN_OR_RETURN(st.chosen, choose(ctx, st.setup.candidates));
      if (!st.chosen.choice.depthwise) FOVEA_RETURN_IF_ERROR(st.desc.set_math(st.chosen.choice.math));
    }
  }
  st.x_dims = ctx.input(0).dims;
  st.w_dims = ctx.input(1).dims;
  st.dtype = ctx.input(0).dtype;
  st.has_bias = ctx.has_input(2);
  st.has_residual = ctx.has_input(3);
  st.workspace_limit = ctx.workspace_bytes();
  st.requested = ctx.tactic() ? std::optional<Tactic>(*ctx.tactic()) : std::nullopt;
  st.alignment = data_alignment(ctx);
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

// X as cuDNN reads it and the library's workspace: with s.shape.staged, a zero-padded copy of X
// at the workspace's start and the library's workspace after it.
struct StagedInput {
  const void* x = nullptr;
  char* workspace = nullptr;
  size_t workspace_bytes = 0;
};

Result<StagedInput> stage_input(GpuKernelContext& ctx, const ConvSetup& s, kernels::ScalarKind kind) {
  StagedInput in{ctx.input(0).data, static_cast<char*>(ctx.workspace()), ctx.workspace_bytes()};
  if (!s.shape.staged) return in;
  const kernels::WindowCopyParams cp = conv_input_staging_copy(s.shape);
  FOVEA_CUDA_RETURN_IF_ERROR(kernels::launch_window_copy(kind, cp, in.x, in.workspace, ctx.stream()));
  in.x = in.workspace;
  const size_t used = staged_workspace(ctx, s);
  in.workspace += used;
  in.workspace_bytes -= used;
  return in;
}

Status run_cudnn_graph(GpuKernelContext& ctx, ConvState& st, kernels::ScalarKind kind) {
  const ConvSetup& s = st.setup;
  FOVEA_ASSIGN_OR_RETURN(StagedInput in, stage_input(ctx, s, kind));
  const FusedConvGraphPointers p{in.x,
                                 ctx.input(1).data,
                                 s.has_bias ? ctx.input(2).data : nullptr,
                                 s.has_residual ? ctx.input(3).data : nullptr,
                                 ctx.output(0).data,
                                 in.workspace};
  return execute_fused_conv_graph(ctx.cudnn(), *st.graph_plan, p);
}

Status run_cudnn(GpuKernelContext& ctx, ConvState& st, kernels::ScalarKind kind) {
  const ConvSetup& s = st.setup;
  const ConvTacticChoice& c = st.chosen.choice;
  FOVEA_ASSIGN_OR_RETURN(StagedInput in, stage_input(ctx, s, kind));
  const void* x = in.x;
  char* ws = in.workspace;
  const size_t ws_bytes = in.workspace_bytes;
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
  if (st.graph_plan) return run_cudnn_graph(ctx, st, kind);
  if (st.chosen.choice.depthwise) return run_depthwise(ctx, st.setup, kind);
  return run_cudnn(ctx, st, kind);
}

std::optional<std::string> conv_running_tactic_name(const GpuNodeState* state) {
  const auto* st = dynamic_cast<const ConvState*>(state);
  if (!st || !st->valid) return std::nullopt;
  return conv_tactic_name(st->chosen.choice, false);
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
  // Graph-API plans after the legacy algorithms (the default stays first). The listing's state
  // holds them while the builder times each one in a fresh state, so none is finalized twice.
  const size_t staged = staged_workspace(ctx, setup);
  const auto spec = graph_spec(ctx, setup);
  if (spec && staged <= ctx.workspace_bytes()) {
    struct ListedGraphPlans final : GpuNodeState {
      std::vector<std::shared_ptr<const FusedConvGraphPlan>> plans;
    };
    auto found = list_fused_conv_graph_plans(ctx.cudnn(), *spec, ctx.workspace_bytes() - staged,
                                             fused_conv_graph_candidate_limit());
    for (FusedConvGraphCandidate& c : found) {
      const ConvTacticChoice choice{.graph = c.config};
      out.push_back(Tactic{conv_tactic_name(choice, false), encode_conv_tactic(choice), staged + c.workspace_bytes});
      if (ctx.has_state())
        ctx.state_as<ListedGraphPlans>([] { return std::make_unique<ListedGraphPlans>(); }).plans.push_back(c.plan);
    }
  }
  return out;
}

}  // namespace fovea::cuda
