// PLACEHOLDER: replaced op by op with real implementations; delete when empty.
#include "backends/cpu/kernels.h"

namespace fovea::cpu {

Status run_conv(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_conv_transpose(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_batch_normalization(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_instance_normalization(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_layer_normalization(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_mat_mul(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_gemm(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_max_pool(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_average_pool(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_global_average_pool(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_global_max_pool(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }
Status run_einsum(CpuKernelContext& ctx) { return ctx.unsupported_here("not implemented yet"); }

}  // namespace fovea::cpu
