// Host-side pieces shared by the elementwise family's GPU kernels (elementwise_*_ops.cpp,
// cast_ops.cpp, fused_elementwise_op.cpp): a node's tensors as launcher operands, output
// checks, and launcher results as Status values naming the node.
#pragma once

#include <cuda_runtime.h>

#include "backends/cuda/gpu_kernel.h"
#include "backends/cuda/kernels/elementwise_operand.h"

namespace fovea::cuda::elementwise_ops {

// Input i as a launcher operand: present, of a dtype the launchers take, and broadcastable to
// output 0's dims (the shape function checked this; a mismatch here would read out of bounds).
Result<kernels::ElementwiseOperand> broadcast_operand(GpuKernelContext& ctx, size_t i);

// Output 0, checked to be present with `dtype` and `numel` elements (what the shape function set).
Result<DeviceTensor*> checked_output(GpuKernelContext& ctx, DType dtype, int64_t numel);

// A launcher's result: cudaErrorNotSupported names input `dtype_input`'s dtype,
// cudaErrorInvalidValue a rank the broadcast cannot index, anything else is a CUDA error.
Status launch_status(const GpuKernelContext& ctx, cudaError_t e, size_t dtype_input);

}  // namespace fovea::cuda::elementwise_ops
