// CPU kernels of every op in the op table (one per op; see cpu_kernel_table.cpp).
#pragma once

#include "backends/cpu/cpu_kernel.h"

namespace fovea::cpu {

// elementwise
Status run_relu(CpuKernelContext& ctx);
Status run_leaky_relu(CpuKernelContext& ctx);
Status run_prelu(CpuKernelContext& ctx);
Status run_sigmoid(CpuKernelContext& ctx);
Status run_tanh(CpuKernelContext& ctx);
Status run_hard_sigmoid(CpuKernelContext& ctx);
Status run_hard_swish(CpuKernelContext& ctx);
Status run_softplus(CpuKernelContext& ctx);
Status run_elu(CpuKernelContext& ctx);
Status run_selu(CpuKernelContext& ctx);
Status run_erf(CpuKernelContext& ctx);
Status run_clip(CpuKernelContext& ctx);
Status run_add(CpuKernelContext& ctx);
Status run_sub(CpuKernelContext& ctx);
Status run_mul(CpuKernelContext& ctx);
Status run_div(CpuKernelContext& ctx);
Status run_pow(CpuKernelContext& ctx);
Status run_sqrt(CpuKernelContext& ctx);
Status run_exp(CpuKernelContext& ctx);
Status run_log(CpuKernelContext& ctx);
Status run_abs(CpuKernelContext& ctx);
Status run_neg(CpuKernelContext& ctx);
Status run_reciprocal(CpuKernelContext& ctx);
Status run_floor(CpuKernelContext& ctx);
Status run_ceil(CpuKernelContext& ctx);
Status run_round(CpuKernelContext& ctx);
Status run_sign(CpuKernelContext& ctx);
Status run_min(CpuKernelContext& ctx);
Status run_max(CpuKernelContext& ctx);
Status run_sum(CpuKernelContext& ctx);
Status run_mean(CpuKernelContext& ctx);
Status run_equal(CpuKernelContext& ctx);
Status run_less(CpuKernelContext& ctx);
Status run_greater(CpuKernelContext& ctx);
Status run_less_or_equal(CpuKernelContext& ctx);
Status run_greater_or_equal(CpuKernelContext& ctx);
Status run_not(CpuKernelContext& ctx);
Status run_and(CpuKernelContext& ctx);
Status run_or(CpuKernelContext& ctx);
Status run_where(CpuKernelContext& ctx);
Status run_cast(CpuKernelContext& ctx);
Status run_identity(CpuKernelContext& ctx);
Status run_dropout(CpuKernelContext& ctx);

// nn
Status run_conv(CpuKernelContext& ctx);
Status run_conv_transpose(CpuKernelContext& ctx);
Status run_batch_normalization(CpuKernelContext& ctx);
Status run_instance_normalization(CpuKernelContext& ctx);
Status run_layer_normalization(CpuKernelContext& ctx);
Status run_mat_mul(CpuKernelContext& ctx);
Status run_gemm(CpuKernelContext& ctx);
Status run_max_pool(CpuKernelContext& ctx);
Status run_average_pool(CpuKernelContext& ctx);
Status run_global_average_pool(CpuKernelContext& ctx);
Status run_global_max_pool(CpuKernelContext& ctx);
Status run_einsum(CpuKernelContext& ctx);

// tensor
Status run_concat(CpuKernelContext& ctx);
Status run_split(CpuKernelContext& ctx);
Status run_slice(CpuKernelContext& ctx);
Status run_reshape(CpuKernelContext& ctx);
Status run_flatten(CpuKernelContext& ctx);
Status run_transpose(CpuKernelContext& ctx);
Status run_squeeze(CpuKernelContext& ctx);
Status run_unsqueeze(CpuKernelContext& ctx);
Status run_expand(CpuKernelContext& ctx);
Status run_tile(CpuKernelContext& ctx);
Status run_gather(CpuKernelContext& ctx);
Status run_gather_elements(CpuKernelContext& ctx);
Status run_scatter_nd(CpuKernelContext& ctx);
Status run_shape(CpuKernelContext& ctx);
Status run_size(CpuKernelContext& ctx);
Status run_constant(CpuKernelContext& ctx);
Status run_constant_of_shape(CpuKernelContext& ctx);
Status run_range(CpuKernelContext& ctx);
Status run_pad(CpuKernelContext& ctx);
Status run_depth_to_space(CpuKernelContext& ctx);
Status run_space_to_depth(CpuKernelContext& ctx);
Status run_non_zero(CpuKernelContext& ctx);

// reduce_resize
Status run_resize(CpuKernelContext& ctx);
Status run_upsample(CpuKernelContext& ctx);
Status run_softmax(CpuKernelContext& ctx);
Status run_log_softmax(CpuKernelContext& ctx);
Status run_arg_max(CpuKernelContext& ctx);
Status run_arg_min(CpuKernelContext& ctx);
Status run_reduce_mean(CpuKernelContext& ctx);
Status run_reduce_sum(CpuKernelContext& ctx);
Status run_reduce_max(CpuKernelContext& ctx);
Status run_reduce_min(CpuKernelContext& ctx);
Status run_reduce_prod(CpuKernelContext& ctx);
Status run_reduce_l2(CpuKernelContext& ctx);
Status run_reduce_sum_square(CpuKernelContext& ctx);
Status run_reduce_l1(CpuKernelContext& ctx);
Status run_reduce_log_sum(CpuKernelContext& ctx);
Status run_reduce_log_sum_exp(CpuKernelContext& ctx);
Status run_top_k(CpuKernelContext& ctx);
Status run_cum_sum(CpuKernelContext& ctx);
Status run_non_max_suppression(CpuKernelContext& ctx);

// extra ops (stage 2)
Status run_sin(CpuKernelContext& ctx);
Status run_cos(CpuKernelContext& ctx);
Status run_tan(CpuKernelContext& ctx);
Status run_asin(CpuKernelContext& ctx);
Status run_acos(CpuKernelContext& ctx);
Status run_atan(CpuKernelContext& ctx);
Status run_sinh(CpuKernelContext& ctx);
Status run_cosh(CpuKernelContext& ctx);
Status run_asinh(CpuKernelContext& ctx);
Status run_acosh(CpuKernelContext& ctx);
Status run_atanh(CpuKernelContext& ctx);
Status run_softsign(CpuKernelContext& ctx);
Status run_is_nan(CpuKernelContext& ctx);
Status run_is_inf(CpuKernelContext& ctx);
Status run_thresholded_relu(CpuKernelContext& ctx);
Status run_celu(CpuKernelContext& ctx);
Status run_shrink(CpuKernelContext& ctx);
Status run_mish(CpuKernelContext& ctx);
Status run_mod(CpuKernelContext& ctx);
Status run_xor(CpuKernelContext& ctx);
Status run_bit_shift(CpuKernelContext& ctx);
Status run_cast_like(CpuKernelContext& ctx);
Status run_hardmax(CpuKernelContext& ctx);
Status run_lrn(CpuKernelContext& ctx);
Status run_trilu(CpuKernelContext& ctx);
Status run_eye_like(CpuKernelContext& ctx);
Status run_one_hot(CpuKernelContext& ctx);
Status run_gather_nd(CpuKernelContext& ctx);
Status run_scatter_elements(CpuKernelContext& ctx);
Status run_scatter(CpuKernelContext& ctx);
Status run_compress(CpuKernelContext& ctx);
Status run_reverse_sequence(CpuKernelContext& ctx);
Status run_max_unpool(CpuKernelContext& ctx);
Status run_grid_sample(CpuKernelContext& ctx);
Status run_roi_align(CpuKernelContext& ctx);

// fused ops, domain "fovea" (docs/fused-ops.md)
Status run_fused_conv(CpuKernelContext& ctx);
Status run_fused_gemm(CpuKernelContext& ctx);
Status run_fused_mat_mul(CpuKernelContext& ctx);
Status run_fused_elementwise(CpuKernelContext& ctx);
Status run_fovea_max_pool(CpuKernelContext& ctx);  // fovea.MaxPool (NHWC)

}  // namespace fovea::cpu
