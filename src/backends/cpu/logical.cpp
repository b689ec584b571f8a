// Not, And, Or on bool tensors, and Where (select between X and Y by a bool condition).
#include "backends/cpu/broadcast_loop.h"
#include "backends/cpu/kernels.h"

namespace fovea::cpu {

Status run_not(CpuKernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  if (x.dtype() != DType::kBool) return ctx.unsupported_dtype(0);
  unary_map(x.data<bool>(), ctx.output(0).data<bool>(), x.numel(), [](bool v) { return !v; });
  return Status::ok();
}

Status run_and(CpuKernelContext& ctx) {
  if (ctx.input(0).dtype() != DType::kBool) return ctx.unsupported_dtype(0);
  broadcast_binary<bool, bool, bool>(ctx.input(0), ctx.input(1), ctx.output(0), [](bool a, bool b) { return a && b; });
  return Status::ok();
}

Status run_or(CpuKernelContext& ctx) {
  if (ctx.input(0).dtype() != DType::kBool) return ctx.unsupported_dtype(0);
  broadcast_binary<bool, bool, bool>(ctx.input(0), ctx.input(1), ctx.output(0), [](bool a, bool b) { return a || b; });
  return Status::ok();
}

// Moves data only, so every storable dtype works (float16/bfloat16 as raw 16-bit values).
Status run_where(CpuKernelContext& ctx) {
  if (ctx.input(0).dtype() != DType::kBool) return ctx.unsupported_dtype(0);
  FOVEA_SWITCH_ALL(ctx.input(1).dtype(), T, {
    broadcast_ternary<T, bool, T, T>(ctx.input(0), ctx.input(1), ctx.input(2), ctx.output(0),
                                     [](bool c, T x, T y) { return c ? x : y; });
    return Status::ok();
  });
  return ctx.unsupported_dtype(1);
}

}  // namespace fovea::cpu
