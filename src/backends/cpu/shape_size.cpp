// Shape and Size: their shape functions compute the data whenever the input is concrete, which
// is always the case here; these kernels only serve callers that skip that step.
#include <algorithm>

#include "backends/cpu/kernels.h"

namespace fovea::cpu {

Status run_shape(CpuKernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  const int64_t rank = static_cast<int64_t>(in.rank());
  int64_t start = 0;
  if (ctx.opset() >= 15) {
    FOVEA_ASSIGN_OR_RETURN(start, ctx.node().attr_int("start", 0));
    if (start < 0) start += rank;
    start = std::clamp<int64_t>(start, 0, rank);
  }
  for (int64_t i = 0; i < out.numel(); ++i) out.data<int64_t>()[i] = in.dim(static_cast<size_t>(start + i));
  return Status::ok();
}

Status run_size(CpuKernelContext& ctx) {
  ctx.output(0).data<int64_t>()[0] = ctx.input(0).numel();
  return Status::ok();
}

}  // namespace fovea::cpu
