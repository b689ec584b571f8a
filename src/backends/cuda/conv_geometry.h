// Conv / ConvTranspose geometry for the GPU kernels, resolved from a node and the input dims with
// ops/conv_params (the same arithmetic as the shape function and the CPU reference), and its
// translation into what cuDNN's legacy convolution API can express. CUDA-free: host-tested.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/shape.h"
#include "core/status.h"
#include "ir/graph.h"

namespace fovea::cuda {

// One conv's sizes; spatial vectors all have the input's spatial rank. The sizes mean the same in
// both layouts; `nhwc` only says how X, W, Y (and Z) are stored.
struct ConvProblem {
  bool transposed = false;
  // fovea.FusedConv layout "NHWC" (2-D forward convs only): X [N,H,W,C], W [K,R,S,C/group],
  // Y and Z [N,H',W',K]. Otherwise NCHW: X [N,C,spatial...], W [K,C/group,kernel...].
  bool nhwc = false;
  int64_t batch = 0;
  int64_t in_channels = 0;
  int64_t out_channels = 0;
  int64_t group = 1;
  Dims in, out, kernel, strides, dilations, pads_begin, pads_end;  // spatial
};

// Reads attributes (fovea.FusedConv's `layout` included) and resolves pads / output dims for X dims
// `x` and W dims `w`, both as stored in the node's layout. Errors name the node.
Result<ConvProblem> make_conv_problem(const Node& node, bool transposed, const Dims& x, const Dims& w);

// The `layout` attribute: false for "NCHW" (also when absent), true for "NHWC", else an error.
Result<bool> conv_layout_is_nhwc(const Node& node);

// Y's dims as stored: [N, K, spatial...], or [N, H', W', K] for NHWC (forward convs).
Dims conv_output_dims(const ConvProblem& p);

// The direct depthwise kernel handles it: a forward conv over 1 or 2 spatial dims with one input
// channel per group (group == in_channels) and out_channels a multiple of in_channels.
bool depthwise_applies(const ConvProblem& p);

// The cuDNN view of a conv, in cuDNN's forward-convolution terms: `x` is the convolution's input
// (for ConvTranspose: its output, the backward-data dx), `y` its output (ConvTranspose: its input,
// dy), `w` the filter (as stored in both cases). 1-D convs are lifted to 2-D (height 1) since
// cuDNN wants at least 4-D tensors. cuDNN pads symmetrically, so other pads go through a staged
// tensor in the workspace:
//  - Conv: X is copied, zero-padded, into the staged tensor (= `x`), and cuDNN runs unpadded;
//  - ConvTranspose: cuDNN writes the full, unpadded output into the staged tensor (= `x`), and
//    the result is the window of it starting at pads_begin (zeros past its end).
// copy_offset is the launch_window_copy offset of that copy (dst index + offset = src index).
// The dims are in NCHW order in both layouts (cuDNN's descriptors take them so); `nhwc` makes the
// descriptors NHWC-strided and the filter KRSC.
struct CudnnConvShape {
  bool nhwc = false;
  Dims x, w, y;                   // N, C, spatial... (rank >= 4)
  std::vector<int> pads, strides, dilations;
  bool staged = false;
  Dims copy_offset;               // per (lifted) spatial dim, when staged
  Dims unstaged_x;                // Conv: the real X dims (lifted); ConvTranspose: the real Y dims
};

Result<CudnnConvShape> cudnn_conv_shape(const Node& node, const ConvProblem& p);

// Packed strides (clamped to int32) of a tensor whose dims are in NCHW order ([N, C, spatial...]):
// row-major for NCHW; channel-innermost for NHWC (C stride 1, then the spatial dims, N outermost).
// The one place a layout becomes strides.
std::vector<int> cudnn_tensor_strides(const Dims& dims, bool nhwc);

// Bytes of the staged tensor (0 when not staged) for elements of `element_size` bytes.
size_t staged_bytes(const CudnnConvShape& s, size_t element_size);

// Offset in the workspace where the library's own workspace starts, after the staged tensor.
inline size_t align_workspace(size_t bytes) { return (bytes + 255) / 256 * 256; }

}  // namespace fovea::cuda
