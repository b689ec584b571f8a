// fovea.MaxPool (layout "NHWC", 2-D): X [N,H,W,C] -> Y [N,H',W',C] with the ONNX MaxPool window
// attributes, resolved by ops/conv_params like ONNX MaxPool (ceil_mode and auto_pad included).
#pragma once

#include "backends/cuda/gpu_kernel.h"
#include "backends/cuda/kernels/max_pool_nhwc.h"

namespace fovea::cuda {

// The launcher params for X dims `x` ([N,H,W,C]) and the output dims `y` the shape function gave
// (checked against the window arithmetic). Errors name the node. No CUDA calls: host-tested.
Result<kernels::MaxPoolNhwcParams> max_pool_nhwc_params(const Node& node, const Dims& x, const Dims& y);

// The GPU kernel entry of fovea.MaxPool (float32 / float16).
Status run_max_pool_nhwc(GpuKernelContext& ctx);

}  // namespace fovea::cuda
