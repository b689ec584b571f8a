// N-D im2col / col2im for convolution lowered to GEMM. Column matrix layout (row-major):
// rows = channels * prod(kernel), cols = prod(output spatial dims of the convolution).
#pragma once

#include <cstdint>

#include "core/shape.h"

namespace fovea::cpu {

struct ConvGeometry {
  Dims in;         // spatial dims of the (conv) input
  Dims out;        // spatial dims of the (conv) output
  Dims kernel;
  Dims strides;
  Dims dilations;
  Dims pads_begin;
};

// col[c*K + kidx][o] = x[c][o * stride - pad + kidx * dilation], or 0 outside the input.
// Rows are split across OpenMP threads unless `parallel` is false (a caller already in a parallel region).
template <typename T>
void im2col(const T* x, int64_t channels, const ConvGeometry& g, T* col, bool parallel = true);

// The adjoint of im2col: x[c][o * stride - pad + kidx * dilation] += col[c*K + kidx][o]. Used by
// ConvTranspose, where `g.in` is the transposed conv's output and `g.out` its input. `x` must be
// zeroed by the caller; channels are processed in parallel (each writes only its own plane).
template <typename T>
void col2im(const T* col, int64_t channels, const ConvGeometry& g, T* x);

}  // namespace fovea::cpu
