// fovea.FusedConv: the Conv kernel (bias included), then the residual and the activation in
// place: y = act(conv + B + Z), or act(conv + B) + Z when residual_after_activation is 1.
// float16 runs through float32.
#include "backends/cpu/float16_via_float32.h"
#include "backends/cpu/fused_activation_apply.h"
#include "backends/cpu/kernels.h"

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

}  // namespace

Status run_fused_conv(CpuKernelContext& ctx) {
  if (has_float16_input(ctx)) return run_float16_via_float32(ctx, run_fused_conv);  // computes in float32
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

}  // namespace fovea::cpu
