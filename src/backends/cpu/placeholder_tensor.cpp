// PLACEHOLDER: replaced op by op with real implementations; delete when empty.
#include "backends/cpu/kernels.h"

namespace fovea::cpu {

Status run_concat(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_split(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_slice(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_reshape(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_flatten(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_transpose(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_squeeze(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_unsqueeze(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_expand(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_tile(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_gather(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_gather_elements(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_scatter_nd(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_shape(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_size(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_constant(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_constant_of_shape(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_range(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_pad(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_depth_to_space(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_space_to_depth(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_non_zero(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }

}  // namespace fovea::cpu
