// PLACEHOLDER: replaced op by op with real implementations; delete when empty.
#include "backends/cpu/kernels.h"

namespace fovea::cpu {

Status run_resize(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_upsample(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_softmax(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_log_softmax(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_arg_max(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_arg_min(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_reduce_mean(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_reduce_sum(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_reduce_max(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_reduce_min(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_reduce_prod(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_reduce_l2(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_reduce_sum_square(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_top_k(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_cum_sum(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_non_max_suppression(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }

}  // namespace fovea::cpu
