// The Softmax family's view of its input as [outer, n, inner] around `axis`: from opset 13 `n` is
// the one axis (default -1); before 13 the input is coerced to 2-D at axis (default 1), so `n` is
// the product of every dim from axis on. Shared by Softmax, LogSoftmax and Hardmax.
#pragma once

#include <algorithm>

#include "backends/cpu/cpu_kernel.h"

namespace fovea::cpu {

struct SoftmaxAxisSplit {
  int64_t outer = 1, n = 1, inner = 1;
};

inline Result<SoftmaxAxisSplit> softmax_axis_split(const CpuKernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  const int64_t rank = static_cast<int64_t>(in.rank());
  FOVEA_ASSIGN_OR_RETURN(int64_t axis, ctx.node().attr_int("axis", ctx.opset() >= 13 ? -1 : 1));
  if (axis < 0) axis += rank;
  axis = std::clamp<int64_t>(axis, 0, rank);
  SoftmaxAxisSplit s;
  for (int64_t d = 0; d < rank; ++d) {
    if (d < axis) s.outer *= in.dim(d);
    else if (d == axis || ctx.opset() < 13) s.n *= in.dim(d);
    else s.inner *= in.dim(d);
  }
  return s;
}

}  // namespace fovea::cpu
