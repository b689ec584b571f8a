// Shape functions of every op in the op table (one per op; see op_table.cpp).
#pragma once

#include "ops/op_def.h"

namespace fovea {

// elementwise
Status infer_relu(InferContext& ctx);
Status infer_leaky_relu(InferContext& ctx);
Status infer_prelu(InferContext& ctx);
Status infer_sigmoid(InferContext& ctx);
Status infer_tanh(InferContext& ctx);
Status infer_hard_sigmoid(InferContext& ctx);
Status infer_hard_swish(InferContext& ctx);
Status infer_softplus(InferContext& ctx);
Status infer_elu(InferContext& ctx);
Status infer_selu(InferContext& ctx);
Status infer_erf(InferContext& ctx);
Status infer_clip(InferContext& ctx);
Status infer_add(InferContext& ctx);
Status infer_sub(InferContext& ctx);
Status infer_mul(InferContext& ctx);
Status infer_div(InferContext& ctx);
Status infer_pow(InferContext& ctx);
Status infer_sqrt(InferContext& ctx);
Status infer_exp(InferContext& ctx);
Status infer_log(InferContext& ctx);
Status infer_abs(InferContext& ctx);
Status infer_neg(InferContext& ctx);
Status infer_reciprocal(InferContext& ctx);
Status infer_floor(InferContext& ctx);
Status infer_ceil(InferContext& ctx);
Status infer_round(InferContext& ctx);
Status infer_sign(InferContext& ctx);
Status infer_min(InferContext& ctx);
Status infer_max(InferContext& ctx);
Status infer_sum(InferContext& ctx);
Status infer_mean(InferContext& ctx);
Status infer_equal(InferContext& ctx);
Status infer_less(InferContext& ctx);
Status infer_greater(InferContext& ctx);
Status infer_less_or_equal(InferContext& ctx);
Status infer_greater_or_equal(InferContext& ctx);
Status infer_not(InferContext& ctx);
Status infer_and(InferContext& ctx);
Status infer_or(InferContext& ctx);
Status infer_where(InferContext& ctx);
Status infer_cast(InferContext& ctx);
Status infer_identity(InferContext& ctx);
Status infer_dropout(InferContext& ctx);

// nn
Status infer_conv(InferContext& ctx);
Status infer_conv_transpose(InferContext& ctx);
Status infer_batch_normalization(InferContext& ctx);
Status infer_instance_normalization(InferContext& ctx);
Status infer_layer_normalization(InferContext& ctx);
Status infer_mat_mul(InferContext& ctx);
Status infer_gemm(InferContext& ctx);
Status infer_max_pool(InferContext& ctx);
Status infer_average_pool(InferContext& ctx);
Status infer_global_average_pool(InferContext& ctx);
Status infer_global_max_pool(InferContext& ctx);
Status infer_einsum(InferContext& ctx);

// tensor
Status infer_concat(InferContext& ctx);
Status infer_split(InferContext& ctx);
Status infer_slice(InferContext& ctx);
Status infer_reshape(InferContext& ctx);
Status infer_flatten(InferContext& ctx);
Status infer_transpose(InferContext& ctx);
Status infer_squeeze(InferContext& ctx);
Status infer_unsqueeze(InferContext& ctx);
Status infer_expand(InferContext& ctx);
Status infer_tile(InferContext& ctx);
Status infer_gather(InferContext& ctx);
Status infer_gather_elements(InferContext& ctx);
Status infer_scatter_nd(InferContext& ctx);
Status infer_shape(InferContext& ctx);
Status infer_size(InferContext& ctx);
Status infer_constant(InferContext& ctx);
Status infer_constant_of_shape(InferContext& ctx);
Status infer_range(InferContext& ctx);
Status infer_pad(InferContext& ctx);
Status infer_depth_to_space(InferContext& ctx);
Status infer_space_to_depth(InferContext& ctx);
Status infer_non_zero(InferContext& ctx);

// reduce_resize
Status infer_resize(InferContext& ctx);
Status infer_upsample(InferContext& ctx);
Status infer_softmax(InferContext& ctx);
Status infer_log_softmax(InferContext& ctx);
Status infer_arg_max(InferContext& ctx);
Status infer_arg_min(InferContext& ctx);
Status infer_reduce_mean(InferContext& ctx);
Status infer_reduce_sum(InferContext& ctx);
Status infer_reduce_max(InferContext& ctx);
Status infer_reduce_min(InferContext& ctx);
Status infer_reduce_prod(InferContext& ctx);
Status infer_reduce_l2(InferContext& ctx);
Status infer_reduce_sum_square(InferContext& ctx);
Status infer_reduce_l1(InferContext& ctx);
Status infer_reduce_log_sum(InferContext& ctx);
Status infer_reduce_log_sum_exp(InferContext& ctx);
Status infer_top_k(InferContext& ctx);
Status infer_cum_sum(InferContext& ctx);
Status infer_non_max_suppression(InferContext& ctx);

// extra ops (stage 2)
Status infer_sin(InferContext& ctx);
Status infer_cos(InferContext& ctx);
Status infer_tan(InferContext& ctx);
Status infer_asin(InferContext& ctx);
Status infer_acos(InferContext& ctx);
Status infer_atan(InferContext& ctx);
Status infer_sinh(InferContext& ctx);
Status infer_cosh(InferContext& ctx);
Status infer_asinh(InferContext& ctx);
Status infer_acosh(InferContext& ctx);
Status infer_atanh(InferContext& ctx);
Status infer_softsign(InferContext& ctx);
Status infer_is_nan(InferContext& ctx);
Status infer_is_inf(InferContext& ctx);
Status infer_thresholded_relu(InferContext& ctx);
Status infer_celu(InferContext& ctx);
Status infer_shrink(InferContext& ctx);
Status infer_mish(InferContext& ctx);
Status infer_mod(InferContext& ctx);
Status infer_xor(InferContext& ctx);
Status infer_bit_shift(InferContext& ctx);
Status infer_cast_like(InferContext& ctx);
Status infer_hardmax(InferContext& ctx);
Status infer_lrn(InferContext& ctx);
Status infer_trilu(InferContext& ctx);
Status infer_eye_like(InferContext& ctx);
Status infer_one_hot(InferContext& ctx);
Status infer_gather_nd(InferContext& ctx);
Status infer_scatter_elements(InferContext& ctx);
Status infer_scatter(InferContext& ctx);
Status infer_compress(InferContext& ctx);
Status infer_reverse_sequence(InferContext& ctx);
Status infer_max_unpool(InferContext& ctx);
Status infer_grid_sample(InferContext& ctx);
Status infer_roi_align(InferContext& ctx);

// fused ops, domain "fovea" (docs/fused-ops.md)
Status infer_fused_conv(InferContext& ctx);
Status infer_fused_gemm(InferContext& ctx);
Status infer_fused_mat_mul(InferContext& ctx);
Status infer_fused_elementwise(InferContext& ctx);
Status infer_fovea_max_pool(InferContext& ctx);  // fovea.MaxPool (NHWC)

}  // namespace fovea
