// Equal, Less, Greater, LessOrEqual, GreaterOrEqual: broadcast comparisons into bool outputs.
#include "backends/cpu/elementwise_dispatch.h"
#include "backends/cpu/kernels.h"

namespace fovea::cpu {
namespace {

template <typename Op>
Status compare(CpuKernelContext& ctx, CpuKernelFn self, Op op) {
  if (has_float16_input(ctx)) return run_float16_via_float32(ctx, self);
  const DType t = ctx.input(0).dtype();
  if (t == DType::kBool) {
    broadcast_binary<bool, bool, bool>(ctx.input(0), ctx.input(1), ctx.output(0), op);
    return Status::ok();
  }
  FOVEA_SWITCH_NUMERIC(t, T, {
    broadcast_binary<bool, T, T>(ctx.input(0), ctx.input(1), ctx.output(0), op);
    return Status::ok();
  });
  return ctx.unsupported_dtype(0);
}

}  // namespace

Status run_equal(CpuKernelContext& ctx) {
  return compare(ctx, run_equal, [](auto a, auto b) { return a == b; });
}
Status run_less(CpuKernelContext& ctx) {
  return compare(ctx, run_less, [](auto a, auto b) { return a < b; });
}
Status run_greater(CpuKernelContext& ctx) {
  return compare(ctx, run_greater, [](auto a, auto b) { return a > b; });
}
Status run_less_or_equal(CpuKernelContext& ctx) {
  return compare(ctx, run_less_or_equal, [](auto a, auto b) { return a <= b; });
}
Status run_greater_or_equal(CpuKernelContext& ctx) {
  return compare(ctx, run_greater_or_equal, [](auto a, auto b) { return a >= b; });
}

}  // namespace fovea::cpu
