// CPU kernel of NonMaxSuppression. The shape function already computes the selection at run
// time (the output shape depends on it); this kernel serves direct callers.
#include "backends/cpu/kernels.h"
#include "ops/non_max_suppression.h"

namespace fovea::cpu {

Status run_non_max_suppression(CpuKernelContext& ctx) {
  auto optional_input = [&](size_t i) { return ctx.has_input(i) ? &ctx.input(i) : nullptr; };
  FOVEA_ASSIGN_OR_RETURN(Tensor selected, select_non_max_suppression(ctx.node(), ctx.input(0), ctx.input(1),
                                                                      optional_input(2), optional_input(3),
                                                                      optional_input(4)));
  ctx.output(0) = std::move(selected);
  return Status::ok();
}

}  // namespace fovea::cpu
