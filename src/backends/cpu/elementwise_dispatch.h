// Dtype dispatch shared by the elementwise kernels: a generic lambda is instantiated for every
// dtype the family handles; float16 runs through float32 (float16_via_float32.h).
#pragma once

#include "backends/cpu/broadcast_loop.h"
#include "backends/cpu/cpu_kernel.h"
#include "backends/cpu/float16_via_float32.h"

namespace fovea::cpu {

// Output 0 = op(input 0) for float32/float64 (float16 via float32). `op` is a generic lambda.
template <typename Op>
Status map_float_unary(CpuKernelContext& ctx, CpuKernelFn self, Op op) {
  const Tensor& x = ctx.input(0);
  if (x.dtype() == DType::kFloat16) return run_float16_via_float32(ctx, self);
  FOVEA_SWITCH_FLOAT(x.dtype(), T, {
    unary_map(x.data<T>(), ctx.output(0).data<T>(), x.numel(), [&](T v) { return static_cast<T>(op(v)); });
    return Status::ok();
  });
  return ctx.unsupported_dtype(0);
}

// Output 0 = op(input 0) for every numeric dtype (float16 via float32).
template <typename Op>
Status map_numeric_unary(CpuKernelContext& ctx, CpuKernelFn self, Op op) {
  const Tensor& x = ctx.input(0);
  if (x.dtype() == DType::kFloat16) return run_float16_via_float32(ctx, self);
  FOVEA_SWITCH_NUMERIC(x.dtype(), T, {
    unary_map(x.data<T>(), ctx.output(0).data<T>(), x.numel(), [&](T v) { return static_cast<T>(op(v)); });
    return Status::ok();
  });
  return ctx.unsupported_dtype(0);
}

// Output 0 = op(input 0, input 1) broadcast, both inputs and the output of one numeric dtype.
template <typename Op>
Status broadcast_numeric_binary(CpuKernelContext& ctx, CpuKernelFn self, Op op) {
  if (has_float16_input(ctx)) return run_float16_via_float32(ctx, self);
  FOVEA_SWITCH_NUMERIC(ctx.input(0).dtype(), T, {
    broadcast_binary<T, T, T>(ctx.input(0), ctx.input(1), ctx.output(0), [&](T a, T b) { return static_cast<T>(op(a, b)); });
    return Status::ok();
  });
  return ctx.unsupported_dtype(0);
}

}  // namespace fovea::cpu
