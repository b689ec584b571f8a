// fovea.MaxPool with layout NHWC: 2-D max pooling over channel-innermost data. Framework-free
// launcher (DESIGN.md rule 3).
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "backends/cuda/kernels/scalar_kind.h"

namespace fovea::cuda::kernels {

struct MaxPoolNhwcParams {
  int64_t batch = 0;
  int64_t channels = 0;
  int in_h = 1, in_w = 1;
  int out_h = 1, out_w = 1;  // ceil_mode and the end pads show only here
  int kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1;
  int dilation_h = 1, dilation_w = 1;
  int pad_top = 0, pad_left = 0;
};

// x [batch, in_h, in_w, channels] -> y [batch, out_h, out_w, channels]. Taps outside the input
// (pads, ceil_mode's last windows) never win; like the ONNX MaxPool kernels, the first tap inside
// starts the max and only a greater value replaces it, and a window with no tap inside gives the
// type's lowest value. kF32 or kF16; FP16 with an even channel count and 4-byte aligned x / y runs
// two channels per thread. Other kinds give cudaErrorInvalidValue.
cudaError_t launch_max_pool_nhwc(ScalarKind kind, const MaxPoolNhwcParams& p, const void* x, void* y,
                                 cudaStream_t stream);

}  // namespace fovea::cuda::kernels
