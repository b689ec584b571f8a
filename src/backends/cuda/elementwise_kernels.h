// The elementwise family's GPU kernel entry points, listed in elementwise_table.cpp.
#pragma once

#include "backends/cuda/gpu_kernel.h"

namespace fovea::cuda::elementwise_ops {

// unary (elementwise_unary_ops.cpp)
Status run_relu(GpuKernelContext& ctx);
Status run_leaky_relu(GpuKernelContext& ctx);
Status run_sigmoid(GpuKernelContext& ctx);
Status run_tanh(GpuKernelContext& ctx);
Status run_hard_sigmoid(GpuKernelContext& ctx);
Status run_hard_swish(GpuKernelContext& ctx);
Status run_softplus(GpuKernelContext& ctx);
Status run_softsign(GpuKernelContext& ctx);
Status run_elu(GpuKernelContext& ctx);
Status run_selu(GpuKernelContext& ctx);
Status run_celu(GpuKernelContext& ctx);
Status run_thresholded_relu(GpuKernelContext& ctx);
Status run_shrink(GpuKernelContext& ctx);
Status run_mish(GpuKernelContext& ctx);
Status run_erf(GpuKernelContext& ctx);
Status run_sqrt(GpuKernelContext& ctx);
Status run_exp(GpuKernelContext& ctx);
Status run_log(GpuKernelContext& ctx);
Status run_abs(GpuKernelContext& ctx);
Status run_neg(GpuKernelContext& ctx);
Status run_reciprocal(GpuKernelContext& ctx);
Status run_floor(GpuKernelContext& ctx);
Status run_ceil(GpuKernelContext& ctx);
Status run_round(GpuKernelContext& ctx);
Status run_sign(GpuKernelContext& ctx);
Status run_sin(GpuKernelContext& ctx);
Status run_cos(GpuKernelContext& ctx);
Status run_tan(GpuKernelContext& ctx);
Status run_asin(GpuKernelContext& ctx);
Status run_acos(GpuKernelContext& ctx);
Status run_atan(GpuKernelContext& ctx);
Status run_sinh(GpuKernelContext& ctx);
Status run_cosh(GpuKernelContext& ctx);
Status run_asinh(GpuKernelContext& ctx);
Status run_acosh(GpuKernelContext& ctx);
Status run_atanh(GpuKernelContext& ctx);
Status run_is_nan(GpuKernelContext& ctx);
Status run_is_inf(GpuKernelContext& ctx);
Status run_not(GpuKernelContext& ctx);

// binary (elementwise_binary_ops.cpp)
Status run_add(GpuKernelContext& ctx);
Status run_sub(GpuKernelContext& ctx);
Status run_mul(GpuKernelContext& ctx);
Status run_div(GpuKernelContext& ctx);
Status run_pow(GpuKernelContext& ctx);
Status run_mod(GpuKernelContext& ctx);
Status run_bit_shift(GpuKernelContext& ctx);
Status run_prelu(GpuKernelContext& ctx);
Status run_equal(GpuKernelContext& ctx);
Status run_less(GpuKernelContext& ctx);
Status run_greater(GpuKernelContext& ctx);
Status run_less_or_equal(GpuKernelContext& ctx);
Status run_greater_or_equal(GpuKernelContext& ctx);
Status run_and(GpuKernelContext& ctx);
Status run_or(GpuKernelContext& ctx);
Status run_xor(GpuKernelContext& ctx);

// variadic and selection (elementwise_variadic_ops.cpp, elementwise_select_ops.cpp)
Status run_min(GpuKernelContext& ctx);
Status run_max(GpuKernelContext& ctx);
Status run_sum(GpuKernelContext& ctx);
Status run_mean(GpuKernelContext& ctx);
Status run_where(GpuKernelContext& ctx);
Status run_clip(GpuKernelContext& ctx);

// conversion (cast_ops.cpp)
Status run_cast(GpuKernelContext& ctx);
Status run_cast_like(GpuKernelContext& ctx);

// fovea.FusedElementwise (fused_elementwise_op.cpp)
Status run_fused_elementwise(GpuKernelContext& ctx);

}  // namespace fovea::cuda::elementwise_ops
