// Direct depthwise convolution (group == input channels; output channel m reads input channel
// m / multiplier) over 1-D or 2-D NCHW data (1-D as height 1) or 2-D NHWC data, with the bias,
// activation and residual of fovea.FusedConv applied before the single store. Framework-free
// launchers (depthwise_conv.cu, depthwise_conv_nhwc.cu).
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "backends/cuda/kernels/activation_math.h"
#include "backends/cuda/kernels/scalar_kind.h"

namespace fovea::cuda::kernels {

struct DepthwiseConvParams {
  int64_t batch = 0;
  int64_t in_channels = 0;
  int64_t out_channels = 0;  // a multiple of in_channels
  int in_h = 1, in_w = 1;
  int out_h = 1, out_w = 1;
  int kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1;
  int dilation_h = 1, dilation_w = 1;
  int pad_top = 0, pad_left = 0;  // begin pads; the end pads only show in out_h / out_w
  ActivationParams activation;
  bool residual_after_activation = false;
};

// x [batch, in_channels, in_h, in_w], w [out_channels, 1, kernel_h, kernel_w], bias
// [out_channels] or null, residual (y's shape) or null, y [batch, out_channels, out_h, out_w].
// kind: kF32 or kF16 (accumulation in float); other kinds give cudaErrorInvalidValue.
cudaError_t launch_depthwise_conv(ScalarKind kind, const DepthwiseConvParams& p, const void* x, const void* w,
                                  const void* bias, const void* residual, void* y, cudaStream_t stream);

// The same over channel-innermost data: x [batch, in_h, in_w, in_channels], w [out_channels,
// kernel_h, kernel_w, 1] (KRSC with one channel: the same memory as the NCHW w), residual and y
// [batch, out_h, out_w, out_channels]. FP16 with multiplier 1, an even channel count and 4-byte
// aligned x / y / residual runs two channels per thread (half2 loads and stores).
cudaError_t launch_depthwise_conv_nhwc(ScalarKind kind, const DepthwiseConvParams& p, const void* x, const void* w,
                                       const void* bias, const void* residual, void* y, cudaStream_t stream);

}  // namespace fovea::cuda::kernels
