// Unary math kernels: Sqrt, Exp, Log, Reciprocal, Floor, Ceil, Round (float only) and Abs,
// Neg, Sign (every numeric dtype).
#include <cmath>
#include <type_traits>

#include "backends/cpu/elementwise_dispatch.h"
#include "backends/cpu/integer_arithmetic.h"
#include "backends/cpu/kernels.h"

namespace fovea::cpu {

Status run_sqrt(CpuKernelContext& ctx) { return map_float_unary(ctx, run_sqrt, [](auto x) { return std::sqrt(x); }); }
Status run_exp(CpuKernelContext& ctx) { return map_float_unary(ctx, run_exp, [](auto x) { return std::exp(x); }); }
Status run_log(CpuKernelContext& ctx) { return map_float_unary(ctx, run_log, [](auto x) { return std::log(x); }); }
Status run_floor(CpuKernelContext& ctx) { return map_float_unary(ctx, run_floor, [](auto x) { return std::floor(x); }); }
Status run_ceil(CpuKernelContext& ctx) { return map_float_unary(ctx, run_ceil, [](auto x) { return std::ceil(x); }); }

Status run_reciprocal(CpuKernelContext& ctx) {
  return map_float_unary(ctx, run_reciprocal, [](auto x) { return decltype(x)(1) / x; });
}

// Halves round to even: nearbyint under the default rounding mode (round to nearest even).
Status run_round(CpuKernelContext& ctx) {
  return map_float_unary(ctx, run_round, [](auto x) { return std::nearbyint(x); });
}

// abs(INT_MIN) wraps to INT_MIN, as in NumPy, instead of overflowing.
Status run_abs(CpuKernelContext& ctx) {
  return map_numeric_unary(ctx, run_abs, [](auto x) {
    using T = decltype(x);
    if constexpr (std::is_floating_point_v<T>) return std::fabs(x);
    else if constexpr (std::is_signed_v<T>) return x < T(0) ? wrapping_neg(x) : x;
    else return x;
  });
}

Status run_neg(CpuKernelContext& ctx) {
  return map_numeric_unary(ctx, run_neg, [](auto x) { return wrapping_neg(x); });
}

// -1, 0 or 1; NaN stays NaN.
Status run_sign(CpuKernelContext& ctx) {
  return map_numeric_unary(ctx, run_sign, [](auto x) {
    using T = decltype(x);
    if constexpr (std::is_floating_point_v<T>)
      if (std::isnan(x)) return x;
    return static_cast<T>((T(0) < x) - (x < T(0)));
  });
}

}  // namespace fovea::cpu
