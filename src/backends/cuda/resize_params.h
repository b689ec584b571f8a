// The Resize / Upsample launcher parameters of a node (pad_resize_ops.cpp), shared by the
// kernel adapter and the GPU tests that check which resize kernel a node's shapes select.
#pragma once

#include "backends/cuda/kernels/resize.h"
#include "core/status.h"
#include "core/tensor.h"
#include "ir/graph.h"

namespace fovea::cuda {

// From the node's attributes, the dtype and dims of X and Y, and the host values of roi /
// scales / sizes (nullptr when omitted): per-axis geometry, modes, and the identity axes.
Result<kernels::ResizeParams> make_resize_params(const Node& node, int64_t opset, DType dtype, const Dims& in_dims,
                                                 const Dims& out_dims, const Tensor* roi, const Tensor* scales,
                                                 const Tensor* sizes);

}  // namespace fovea::cuda
