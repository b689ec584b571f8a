// PLACEHOLDER: replaced op by op with real implementations; delete when empty.
#include "backends/cpu/kernels.h"

namespace fovea::cpu {

Status run_relu(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_leaky_relu(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_prelu(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_sigmoid(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_tanh(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_hard_sigmoid(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_hard_swish(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_softplus(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_elu(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_selu(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_erf(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_clip(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_add(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_sub(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_mul(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_div(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_pow(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_sqrt(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_exp(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_log(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_abs(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_neg(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_reciprocal(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_floor(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_ceil(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_round(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_sign(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_min(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_max(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_sum(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_mean(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_equal(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_less(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_greater(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_less_or_equal(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_greater_or_equal(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_not(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_and(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_or(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_where(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_cast(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_identity(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_dropout(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }

}  // namespace fovea::cpu
