// Add, Sub, Mul, Div with broadcasting. Integer overflow wraps and integer division truncates
// toward zero with x / 0 defined as 0 (integer_arithmetic.h).
#include "backends/cpu/elementwise_dispatch.h"
#include "backends/cpu/integer_arithmetic.h"
#include "backends/cpu/kernels.h"

namespace fovea::cpu {

Status run_add(CpuKernelContext& ctx) {
  return broadcast_numeric_binary(ctx, run_add, [](auto a, auto b) { return wrapping_add(a, b); });
}
Status run_sub(CpuKernelContext& ctx) {
  return broadcast_numeric_binary(ctx, run_sub, [](auto a, auto b) { return wrapping_sub(a, b); });
}
Status run_mul(CpuKernelContext& ctx) {
  return broadcast_numeric_binary(ctx, run_mul, [](auto a, auto b) { return wrapping_mul(a, b); });
}
Status run_div(CpuKernelContext& ctx) {
  return broadcast_numeric_binary(ctx, run_div, [](auto a, auto b) { return safe_div(a, b); });
}

}  // namespace fovea::cpu
