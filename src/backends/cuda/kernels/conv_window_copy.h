// Copies a window of NC+spatial data into a buffer of another spatial size: the explicit padding
// of a conv input whose pads cuDNN cannot express (asymmetric), and the crop of a transposed
// conv's full output. An NHWC tensor is padded as planes N over (H, W, C) with offset 0 on C.
// Framework-free launcher.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "backends/cuda/kernels/scalar_kind.h"

namespace fovea::cuda::kernels {

inline constexpr int kMaxWindowCopyRank = 3;

// dst[plane][o...] = src[plane][(o + offset)...] where that index lies inside src, else 0.
// planes = batch * channels; both buffers are contiguous. A negative offset pads, a positive crops.
struct WindowCopyParams {
  int64_t planes = 0;
  int rank = 0;  // spatial rank, 1..kMaxWindowCopyRank
  int64_t src_dims[kMaxWindowCopyRank] = {};
  int64_t dst_dims[kMaxWindowCopyRank] = {};
  int64_t offset[kMaxWindowCopyRank] = {};
};

// Any element kind (the copy is bitwise); cudaErrorInvalidValue for a bad rank.
cudaError_t launch_window_copy(ScalarKind kind, const WindowCopyParams& p, const void* src, void* dst,
                               cudaStream_t stream);

}  // namespace fovea::cuda::kernels
