// The launcher parameters a forward conv (Conv / fovea.FusedConv) passes to its own kernels, made
// from its ConvProblem in either layout: the staged (zero-padded) input copy, the bias /
// activation / residual epilogue and the direct depthwise kernel. No CUDA calls: host-tested.
#pragma once

#include "backends/cuda/conv_geometry.h"
#include "backends/cuda/kernels/bias_activation.h"
#include "backends/cuda/kernels/conv_window_copy.h"
#include "backends/cuda/kernels/depthwise_conv.h"

namespace fovea::cuda {

// The copy of X into the staged tensor of a forward conv with s.staged. NCHW: planes N*C over the
// spatial dims. NHWC ([N,H,W,C], 2-D): planes N over (H, W, C), C copied whole (offset 0).
kernels::WindowCopyParams conv_input_staging_copy(const CudnnConvShape& s);

// The epilogue over Y as stored (y_dims): NCHW [N, K, spatial...] as [N, K, spatial product];
// NHWC [N, H', W', K] as [N*H'*W', K, 1] (the channel of element i is i % K). Bias stride 1 per channel.
kernels::BiasActivationParams conv_epilogue_params(bool nhwc, const Dims& y_dims,
                                                   const kernels::ActivationParams& activation,
                                                   bool residual_after_activation);

// The direct depthwise kernel's sizes for a problem with depthwise_applies(p) (1-D as height 1).
kernels::DepthwiseConvParams depthwise_conv_params(const ConvProblem& p, const kernels::ActivationParams& activation,
                                                   bool residual_after_activation);

}  // namespace fovea::cuda
