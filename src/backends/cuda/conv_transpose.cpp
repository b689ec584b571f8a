// ConvTranspose: cuDNN backward-data convolution (the transposed conv is the gradient of a conv
// with respect to its input), then the bias through our epilogue kernel. Pads cuDNN cannot
// express go through a full-size staged output cropped into Y (see conv_geometry.h).
#include <optional>

#include "backends/cuda/conv_gemm_kernels.h"
#include "backends/cuda/conv_geometry.h"
#include "backends/cuda/conv_tactic_id.h"
#include "backends/cuda/cuda_check.h"
#include "backends/cuda/cudnn_conv_descriptors.h"
#include "backends/cuda/kernels/conv_window_copy.h"

namespace fovea::cuda {
namespace {

struct TransposeCandidate {
  ConvTacticChoice choice;
  size_t workspace_bytes = 0;  // staged output + the algorithm's workspace
};

struct TransposeSetup {
  ConvProblem problem;
  CudnnConvShape shape;
  std::vector<TransposeCandidate> candidates;
};

bool input_empty(GpuKernelContext& ctx) { return ctx.input(0).numel() == 0 || ctx.input(1).numel() == 0; }

Status build_setup(GpuKernelContext& ctx, CudnnConvDescriptors& desc, TransposeSetup* s) {
  const Node& node = ctx.node();
  FOVEA_ASSIGN_OR_RETURN(s->problem, make_conv_problem(node, true, ctx.input(0).dims, ctx.input(1).dims));
  Dims expected_y{s->problem.batch, s->problem.out_channels};
  expected_y.insert(expected_y.end(), s->problem.out.begin(), s->problem.out.end());
  if (ctx.output(0).dims != expected_y)
    return ctx.error("output has dims {}, the transposed convolution gives {}", dims_to_string(ctx.output(0).dims),
                     dims_to_string(expected_y));
  if (ctx.has_input(2) && ctx.input(2).numel() != s->problem.out_channels)
    return ctx.error("bias has {} elements, the output has {} channels", ctx.input(2).numel(), s->problem.out_channels);
  s->candidates.clear();
  if (input_empty(ctx)) return Status::ok();
  FOVEA_ASSIGN_OR_RETURN(s->shape, cudnn_conv_shape(node, s->problem));
  FOVEA_RETURN_IF_ERROR(desc.set(s->shape, s->problem.group, ctx.input(0).dtype));
  FOVEA_ASSIGN_OR_RETURN(auto algos, desc.backward_data_candidates(ctx.cudnn()));
  const size_t staged = s->shape.staged ? align_workspace(staged_bytes(s->shape, dtype_size(ctx.input(0).dtype))) : 0;
  for (const CudnnAlgoCandidate& a : algos)
    s->candidates.push_back({ConvTacticChoice{.algo = a.algo, .math = a.math}, staged + a.workspace_bytes});
  if (s->candidates.empty())
    return ctx.unsupported_here("no cuDNN algorithm supports this transposed convolution (X {}, W {})",
                                dims_to_string(ctx.input(0).dims), dims_to_string(ctx.input(1).dims));
  return Status::ok();
}

Result<TransposeCandidate> choose(GpuKernelContext& ctx, const std::vector<TransposeCandidate>& candidates) {
  const size_t limit = ctx.workspace_bytes();
  if (const Tactic* t = ctx.tactic()) {
    if (auto want = decode_conv_tactic(*t, CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT); want && !want->depthwise &&
                                                                                   !want->fused)
      for (const TransposeCandidate& c : candidates)
        if (c.choice.algo == want->algo && c.choice.math == want->math && c.workspace_bytes <= limit) return c;
  }
  for (const TransposeCandidate& c : candidates)
    if (c.workspace_bytes <= limit) return c;
  return ctx.unsupported_here("no transposed-convolution algorithm fits in the {}-byte workspace", limit);
}

struct TransposeState final : GpuNodeState {
  Dims x_dims, w_dims;
  DType dtype = DType::kUndefined;
  std::optional<Tactic> requested;
  size_t workspace_limit = 0;
  bool valid = false;
  TransposeSetup setup;
  CudnnConvDescriptors desc;
  TransposeCandidate chosen;

  bool matches(GpuKernelContext& ctx) const {
    const Tactic* t = ctx.tactic();
    return valid && x_dims == ctx.input(0).dims && w_dims == ctx.input(1).dims && dtype == ctx.input(0).dtype &&
           workspace_limit == ctx.workspace_bytes() && requested.has_value() == (t != nullptr) &&
           (!t || *requested == *t);
  }
};

Status refresh_state(GpuKernelContext& ctx, TransposeState& st) {
  if (st.matches(ctx)) return Status::ok();
  st.valid = false;
  FOVEA_RETURN_IF_ERROR(build_setup(ctx, st.desc, &st.setup));
  if (!input_empty(ctx)) {
    FOVEA_ASSIGN_OR_RETURN(st.chosen, choose(ctx, st.setup.candidates));
    FOVEA_RETURN_IF_ERROR(st.desc.set_math(st.chosen.choice.math));
  }
  st.x_dims = ctx.input(0).dims;
  st.w_dims = ctx.input(1).dims;
  st.dtype = ctx.input(0).dtype;
  st.workspace_limit = ctx.workspace_bytes();
  st.requested = ctx.tactic() ? std::optional<Tactic>(*ctx.tactic()) : std::nullopt;
  st.valid = true;
  return Status::ok();
}

}  // namespace

Status run_conv_transpose(GpuKernelContext& ctx) {
  FOVEA_ASSIGN_OR_RETURN(kernels::ScalarKind kind, conv_gemm_float_kind(ctx));
  DeviceTensor& y = ctx.output(0);
  if (y.numel() == 0) return Status::ok();
  TransposeState& st = ctx.state_as<TransposeState>([] { return std::make_unique<TransposeState>(); });
  FOVEA_RETURN_IF_ERROR(refresh_state(ctx, st));
  const TransposeSetup& s = st.setup;
  if (input_empty(ctx)) {
    FOVEA_CUDA_RETURN_IF_ERROR(cudaMemsetAsync(y.data, 0, y.nbytes(), ctx.stream()));
  } else {
    void* dx = y.data;
    char* ws = static_cast<char*>(ctx.workspace());
    size_t ws_bytes = ctx.workspace_bytes();
    if (s.shape.staged) {
      dx = ws;
      const size_t used = align_workspace(staged_bytes(s.shape, dtype_size(y.dtype)));
      ws += used;
      ws_bytes -= used;
    }
    const float one = 1.0f, zero = 0.0f;
    FOVEA_CUDNN_RETURN_IF_ERROR(cudnnConvolutionBackwardData(
        ctx.cudnn(), &one, st.desc.w, ctx.input(1).data, st.desc.y, ctx.input(0).data, st.desc.conv,
        static_cast<cudnnConvolutionBwdDataAlgo_t>(st.chosen.choice.algo), ws, ws_bytes, &zero, st.desc.x, dx));
    if (s.shape.staged) {  // crop the full output into Y (zeros past its end)
      kernels::WindowCopyParams cp;
      cp.planes = s.shape.x[0] * s.shape.x[1];
      cp.rank = static_cast<int>(s.shape.x.size()) - 2;
      for (int i = 0; i < cp.rank; ++i) {
        cp.src_dims[i] = s.shape.x[i + 2];
        cp.dst_dims[i] = s.shape.unstaged_x[i + 2];
        cp.offset[i] = s.shape.copy_offset[i];
      }
      FOVEA_CUDA_RETURN_IF_ERROR(kernels::launch_window_copy(kind, cp, dx, y.data, ctx.stream()));
    }
  }
  if (!ctx.has_input(2)) return Status::ok();
  kernels::BiasActivationParams p;
  p.outer = y.dims[0];
  p.channels = y.dims[1];
  p.inner = y.numel() / (y.dims[0] * y.dims[1]);
  return run_bias_activation(ctx, kind, p, y.data, ctx.input(2).data, nullptr);
}

Result<std::vector<Tactic>> conv_transpose_tactics(GpuKernelContext& ctx) {
  FOVEA_RETURN_IF_ERROR(conv_gemm_float_kind(ctx).status());
  if (ctx.output(0).numel() == 0 || input_empty(ctx)) return std::vector<Tactic>{Tactic{"fovea:empty", 0, 0}};
  CudnnConvDescriptors desc;
  TransposeSetup setup;
  FOVEA_RETURN_IF_ERROR(build_setup(ctx, desc, &setup));
  std::vector<Tactic> out;
  for (const TransposeCandidate& c : setup.candidates)
    out.push_back(Tactic{conv_tactic_name(c.choice, true), encode_conv_tactic(c.choice), c.workspace_bytes});
  return out;
}

}  // namespace fovea::cuda
