// Unary elementwise ops on the GPU: attributes as the CPU reference reads them, then
// kernels::launch_unary.
#include "backends/cuda/elementwise_adapter.h"
#include "backends/cuda/elementwise_kernels.h"
#include "backends/cuda/gpu_dtype.h"
#include "backends/cuda/kernels/unary_elementwise.h"

namespace fovea::cuda::elementwise_ops {
namespace {

using kernels::UnaryOp;
using kernels::UnaryParams;

Status run_unary(GpuKernelContext& ctx, const UnaryParams& params) {
  if (!ctx.has_input(0)) return ctx.error("input 0 is missing");
  const DeviceTensor& x = ctx.input(0);
  const std::optional<kernels::ScalarKind> kind = to_scalar_kind(x.dtype);
  if (!kind) return ctx.unsupported_dtype(0);
  const DType out_dtype = kernels::unary_outputs_bool(params.op) ? DType::kBool : x.dtype;
  FOVEA_ASSIGN_OR_RETURN(DeviceTensor* y, checked_output(ctx, out_dtype, x.numel()));
  return launch_status(ctx, kernels::launch_unary(params, *kind, x.data, y->data, x.numel(), ctx.stream()), 0);
}

Status run_plain(GpuKernelContext& ctx, UnaryOp op) { return run_unary(ctx, UnaryParams{op}); }

// Ops with one float attribute `alpha`.
Status run_with_alpha(GpuKernelContext& ctx, UnaryOp op, float alpha_default) {
  UnaryParams p{op};
  FOVEA_ASSIGN_OR_RETURN(p.alpha, ctx.node().attr_float("alpha", alpha_default));
  return run_unary(ctx, p);
}

}  // namespace

Status run_relu(GpuKernelContext& ctx) { return run_plain(ctx, UnaryOp::kRelu); }
Status run_leaky_relu(GpuKernelContext& ctx) { return run_with_alpha(ctx, UnaryOp::kLeakyRelu, 0.01f); }
Status run_sigmoid(GpuKernelContext& ctx) { return run_plain(ctx, UnaryOp::kSigmoid); }
Status run_tanh(GpuKernelContext& ctx) { return run_plain(ctx, UnaryOp::kTanh); }

Status run_hard_sigmoid(GpuKernelContext& ctx) {
  UnaryParams p{UnaryOp::kHardSigmoid};
  FOVEA_ASSIGN_OR_RETURN(p.alpha, ctx.node().attr_float("alpha", 0.2f));
  FOVEA_ASSIGN_OR_RETURN(p.beta, ctx.node().attr_float("beta", 0.5f));
  return run_unary(ctx, p);
}

Status run_hard_swish(GpuKernelContext& ctx) { return run_plain(ctx, UnaryOp::kHardSwish); }
Status run_softplus(GpuKernelContext& ctx) { return run_plain(ctx, UnaryOp::kSoftplus); }
Status run_softsign(GpuKernelContext& ctx) { return run_plain(ctx, UnaryOp::kSoftsign); }
Status run_elu(GpuKernelContext& ctx) { return run_with_alpha(ctx, UnaryOp::kElu, 1.0f); }

Status run_selu(GpuKernelContext& ctx) {
  UnaryParams p{UnaryOp::kSelu};
  FOVEA_ASSIGN_OR_RETURN(p.alpha, ctx.node().attr_float("alpha", 1.67326319217681884765625f));
  FOVEA_ASSIGN_OR_RETURN(p.beta, ctx.node().attr_float("gamma", 1.05070102214813232421875f));
  return run_unary(ctx, p);
}

Status run_celu(GpuKernelContext& ctx) { return run_with_alpha(ctx, UnaryOp::kCelu, 1.0f); }
Status run_thresholded_relu(GpuKernelContext& ctx) { return run_with_alpha(ctx, UnaryOp::kThresholdedRelu, 1.0f); }

Status run_shrink(GpuKernelContext& ctx) {
  UnaryParams p{UnaryOp::kShrink};
  FOVEA_ASSIGN_OR_RETURN(p.alpha, ctx.node().attr_float("bias", 0.0f));
  FOVEA_ASSIGN_OR_RETURN(p.beta, ctx.node().attr_float("lambd", 0.5f));
  return run_unary(ctx, p);
}

Status run_mish(GpuKernelContext& ctx) { return run_plain(ctx, UnaryOp::kMish); }
Status run_erf(GpuKernelContext& ctx) { return run_plain(ctx, UnaryOp::kErf); }
Status run_sqrt(GpuKernelContext& ctx) { return run_plain(ctx, UnaryOp::kSqrt); }
Status run_exp(GpuKernelContext& ctx) { return run_plain(ctx, UnaryOp::kExp); }
Status run_log(GpuKernelContext& ctx) { return run_plain(ctx, UnaryOp::kLog); }
Status run_abs(GpuKernelContext& ctx) { return run_plain(ctx, UnaryOp::kAbs); }
Status run_neg(GpuKernelContext& ctx) { return run_plain(ctx, UnaryOp::kNeg); }
Status run_reciprocal(GpuKernelContext& ctx) { return run_plain(ctx, UnaryOp::kReciprocal); }
Status run_floor(GpuKernelContext& ctx) { return run_plain(ctx, UnaryOp::kFloor); }
Status run_ceil(GpuKernelContext& ctx) { return run_plain(ctx, UnaryOp::kCeil); }
Status run_round(GpuKernelContext& ctx) { return run_plain(ctx, UnaryOp::kRound); }
Status run_sign(GpuKernelContext& ctx) { return run_plain(ctx, UnaryOp::kSign); }
Status run_sin(GpuKernelContext& ctx) { return run_plain(ctx, UnaryOp::kSin); }
Status run_cos(GpuKernelContext& ctx) { return run_plain(ctx, UnaryOp::kCos); }
Status run_tan(GpuKernelContext& ctx) { return run_plain(ctx, UnaryOp::kTan); }
Status run_asin(GpuKernelContext& ctx) { return run_plain(ctx, UnaryOp::kAsin); }
Status run_acos(GpuKernelContext& ctx) { return run_plain(ctx, UnaryOp::kAcos); }
Status run_atan(GpuKernelContext& ctx) { return run_plain(ctx, UnaryOp::kAtan); }
Status run_sinh(GpuKernelContext& ctx) { return run_plain(ctx, UnaryOp::kSinh); }
Status run_cosh(GpuKernelContext& ctx) { return run_plain(ctx, UnaryOp::kCosh); }
Status run_asinh(GpuKernelContext& ctx) { return run_plain(ctx, UnaryOp::kAsinh); }
Status run_acosh(GpuKernelContext& ctx) { return run_plain(ctx, UnaryOp::kAcosh); }
Status run_atanh(GpuKernelContext& ctx) { return run_plain(ctx, UnaryOp::kAtanh); }
Status run_is_nan(GpuKernelContext& ctx) { return run_plain(ctx, UnaryOp::kIsNaN); }

Status run_is_inf(GpuKernelContext& ctx) {
  UnaryParams p{UnaryOp::kIsInf};
  FOVEA_ASSIGN_OR_RETURN(const int64_t neg, ctx.node().attr_int("detect_negative", 1));
  FOVEA_ASSIGN_OR_RETURN(const int64_t pos, ctx.node().attr_int("detect_positive", 1));
  p.detect_negative = neg != 0;
  p.detect_positive = pos != 0;
  return run_unary(ctx, p);
}

Status run_not(GpuKernelContext& ctx) { return run_plain(ctx, UnaryOp::kNot); }

}  // namespace fovea::cuda::elementwise_ops
