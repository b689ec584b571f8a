#include "backends/cuda/conv_launch_params.h"

namespace fovea::cuda {

kernels::WindowCopyParams conv_input_staging_copy(const CudnnConvShape& s) {
  kernels::WindowCopyParams cp;
  if (s.nhwc) {
    // Dims are in NCHW order (N, C, H, W); memory is N, H, W, C.
    cp.planes = s.x[0];
    cp.rank = 3;
    const int64_t src[3] = {s.unstaged_x[2], s.unstaged_x[3], s.unstaged_x[1]};
    const int64_t dst[3] = {s.x[2], s.x[3], s.x[1]};
    const int64_t off[3] = {s.copy_offset[0], s.copy_offset[1], 0};
    for (int i = 0; i < 3; ++i) cp.src_dims[i] = src[i], cp.dst_dims[i] = dst[i], cp.offset[i] = off[i];
    return cp;
  }
  cp.planes = s.x[0] * s.x[1];
  cp.rank = static_cast<int>(s.x.size()) - 2;
  for (int i = 0; i < cp.rank; ++i) {
    cp.src_dims[i] = s.unstaged_x[i + 2];
    cp.dst_dims[i] = s.x[i + 2];
    cp.offset[i] = s.copy_offset[i];
  }
  return cp;
}

kernels::BiasActivationParams conv_epilogue_params(bool nhwc, const Dims& y_dims,
                                                   const kernels::ActivationParams& activation,
                                                   bool residual_after_activation) {
  kernels::BiasActivationParams p;
  const int64_t numel = element_count(y_dims);
  if (nhwc) {
    p.channels = y_dims.back();
    p.outer = p.channels > 0 ? numel / p.channels : 0;
    p.inner = 1;
  } else {
    p.outer = y_dims[0];
    p.channels = y_dims[1];
    p.inner = y_dims[1] > 0 && y_dims[0] > 0 ? numel / (y_dims[0] * y_dims[1]) : 0;
  }
  p.bias_outer_stride = 0;
  p.bias_channel_stride = 1;
  p.bias_inner_stride = 0;
  p.activation = activation;
  p.residual_after_activation = residual_after_activation;
  return p;
}

kernels::DepthwiseConvParams depthwise_conv_params(const ConvProblem& p, const kernels::ActivationParams& activation,
                                                   bool residual_after_activation) {
  const bool one_d = p.in.size() == 1;
  const size_t h = 0, w = one_d ? 0 : 1;  // index of the height / width spatial dim
  kernels::DepthwiseConvParams d;
  d.batch = p.batch;
  d.in_channels = p.in_channels;
  d.out_channels = p.out_channels;
  d.in_h = one_d ? 1 : static_cast<int>(p.in[h]);
  d.in_w = static_cast<int>(p.in[w]);
  d.out_h = one_d ? 1 : static_cast<int>(p.out[h]);
  d.out_w = static_cast<int>(p.out[w]);
  d.kernel_h = one_d ? 1 : static_cast<int>(p.kernel[h]);
  d.kernel_w = static_cast<int>(p.kernel[w]);
  d.stride_h = one_d ? 1 : static_cast<int>(p.strides[h]);
  d.stride_w = static_cast<int>(p.strides[w]);
  d.dilation_h = one_d ? 1 : static_cast<int>(p.dilations[h]);
  d.dilation_w = static_cast<int>(p.dilations[w]);
  d.pad_top = one_d ? 0 : static_cast<int>(p.pads_begin[h]);
  d.pad_left = static_cast<int>(p.pads_begin[w]);
  d.activation = activation;
  d.residual_after_activation = residual_after_activation;
  return d;
}

}  // namespace fovea::cuda
