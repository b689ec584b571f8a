// The data movement family's node adapters (the run_* functions data_movement_table.cpp lists)
// and the small checks they share. Each adapter reads attributes and host-known inputs, then
// calls one launcher from kernels/; none synchronizes or allocates.
#pragma once

#include <string_view>
#include <vector>

#include "backends/cuda/gpu_kernel.h"

namespace fovea::cuda {

// Element size of input i for ops that only move elements: 1, 2, 4 or 8 bytes, else the
// standard unsupported-dtype error.
Result<int64_t> movable_element_size(const GpuKernelContext& ctx, size_t input_index);
// A launcher's result as a Status naming the node.
Status launch_status(const GpuKernelContext& ctx, cudaError_t e, std::string_view launcher);
// An int32/int64 index tensor's flag for the launchers, or the unsupported-dtype error.
Result<bool> indices_are_int64(const GpuKernelContext& ctx, size_t input_index);
// The bits of the value one as an element of `dtype`, in the low bytes (EyeLike, Dropout's mask).
Result<uint64_t> one_element_bits(DType dtype);
// The rank limit of the launchers' index helpers, as an unsupported error naming the node.
Status check_rank(const GpuKernelContext& ctx, size_t rank, std::string_view what);

// layout_ops.cpp
Status run_transpose(GpuKernelContext& ctx);
Status run_slice(GpuKernelContext& ctx);
Status run_expand(GpuKernelContext& ctx);
Status run_tile(GpuKernelContext& ctx);
Status run_depth_to_space(GpuKernelContext& ctx);
Status run_space_to_depth(GpuKernelContext& ctx);
// concat_split_ops.cpp
Status run_concat(GpuKernelContext& ctx);
Status run_split(GpuKernelContext& ctx);
// gather_scatter_ops.cpp
Status run_gather(GpuKernelContext& ctx);
Status run_gather_elements(GpuKernelContext& ctx);
Status run_gather_nd(GpuKernelContext& ctx);
Status run_scatter_nd(GpuKernelContext& ctx);
Status run_scatter_elements(GpuKernelContext& ctx);
// pad_resize_ops.cpp
Status run_pad(GpuKernelContext& ctx);
Status run_resize(GpuKernelContext& ctx);
// copy_ops.cpp: Reshape, Flatten, Squeeze, Unsqueeze, Identity (copy unless aliased), Dropout,
// Shape, Size, Constant, ConstantOfShape
Status run_copy_input(GpuKernelContext& ctx);
Status run_dropout(GpuKernelContext& ctx);
Status run_shape(GpuKernelContext& ctx);
Status run_size(GpuKernelContext& ctx);
Status run_constant(GpuKernelContext& ctx);
Status run_constant_of_shape(GpuKernelContext& ctx);
// generator_ops.cpp
Status run_range(GpuKernelContext& ctx);
Status run_eye_like(GpuKernelContext& ctx);
Status run_one_hot(GpuKernelContext& ctx);
Status run_trilu(GpuKernelContext& ctx);
Status run_cum_sum(GpuKernelContext& ctx);
Status run_reverse_sequence(GpuKernelContext& ctx);

}  // namespace fovea::cuda
