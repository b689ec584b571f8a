// fovea.FusedConv: the Conv kernel (bias included), then the residual and the activation in
// place: y = act(conv + B + Z), or act(conv + B) + Z when residual_after_activation is 1.
// float16 runs through float32. Layout NHWC is the NCHW kernel between transposes (X and Z to
// NCHW, W from KRSC to KCRS, Y back to NHWC): the reference the GPU NHWC path is tested against.
#include "backends/cpu/float16_via_float32.h"
#include "backends/cpu/fused_activation_apply.h"
#include "backends/cpu/kernels.h"
#include "backends/cpu/nhwc_layout.h"

namespace fovea::cpu {
namespace {

template <typename T>
void conv_epilogue(const FusedActivation& act, const Tensor* z, bool after, Tensor& y) {
  T* py = y.data<T>();
  const int64_t n = y.numel();
  if (z && !after) add_in_place(py, z->data<T>(), n);
  apply_fused_activation(act, py, n);
  if (z && after) add_in_place(py, z->data<T>(), n);
}

Status run_fused_conv_nchw(CpuKernelContext& ctx) {
  FOVEA_ASSIGN_OR_RETURN(const FusedActivation act, parse_fused_activation(ctx.node()));
  FOVEA_ASSIGN_OR_RETURN(const int64_t after, ctx.node().attr_int("residual_after_activation", 0));
  std::vector<const Tensor*> conv_inputs = {&ctx.input(0), &ctx.input(1), ctx.has_input(2) ? &ctx.input(2) : nullptr};
  std::vector<Tensor> conv_outputs = {ctx.output(0)};  // shares the output's storage
  CpuKernelContext conv_ctx(ctx.node(), ctx.opset(), std::move(conv_inputs), conv_outputs);
  FOVEA_RETURN_IF_ERROR(run_conv(conv_ctx));
  ctx.output(0) = conv_outputs[0];
  Tensor& y = ctx.output(0);
  const Tensor* z = ctx.has_input(3) ? &ctx.input(3) : nullptr;
  if (z && z->dims() != y.dims())
    return ctx.error("residual Z has shape {}, the output has {}", dims_to_string(z->dims()), dims_to_string(y.dims()));
  FOVEA_SWITCH_FLOAT(y.dtype(), T, {
    conv_epilogue<T>(act, z, after != 0, y);
    return Status::ok();
  });
  return ctx.unsupported_dtype(0);
}

Status run_fused_conv_nhwc(CpuKernelContext& ctx) {
  std::vector<Tensor> nchw(ctx.num_inputs());
  std::vector<const Tensor*> inputs(ctx.num_inputs(), nullptr);
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    if (!ctx.has_input(i)) continue;
    if (i == 2) {  // B is [K] in both layouts
      inputs[i] = &ctx.input(i);
      continue;
    }
    if (ctx.input(i).rank() != 4) return ctx.error("layout NHWC needs 4-D X, W and Z; input {} has rank {}", i, ctx.input(i).rank());
    FOVEA_ASSIGN_OR_RETURN(nchw[i], permuted_copy(ctx.input(i), kNhwcToNchwPerm));
    inputs[i] = &nchw[i];
  }
  Tensor& y = ctx.output(0);
  if (y.rank() != 4) return ctx.error("layout NHWC needs a 4-D output, got rank {}", y.rank());
  FOVEA_ASSIGN_OR_RETURN(Tensor y_nchw, Tensor::allocate(y.dtype(), {y.dim(0), y.dim(3), y.dim(1), y.dim(2)}));
  std::vector<Tensor> outputs = {y_nchw};
  CpuKernelContext inner(ctx.node(), ctx.opset(), std::move(inputs), outputs);
  FOVEA_RETURN_IF_ERROR(run_fused_conv_nchw(inner));
  return permute_into(outputs[0], kNchwToNhwcPerm, y);
}

}  // namespace

Status run_fused_conv(CpuKernelContext& ctx) {
  if (has_float16_input(ctx)) return run_float16_via_float32(ctx, run_fused_conv);  // computes in float32
  FOVEA_ASSIGN_OR_RETURN(const std::string layout, ctx.node().attr_string("layout", "NCHW"));
  if (layout == "NHWC") return run_fused_conv_nhwc(ctx);
  if (layout != "NCHW") return ctx.error("layout must be \"NCHW\" or \"NHWC\", got \"{}\"", layout);
  return run_fused_conv_nchw(ctx);
}

}  // namespace fovea::cpu
