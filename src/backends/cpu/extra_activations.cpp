// Softsign, ThresholdedRelu, Celu, Mish (float) and Shrink (every numeric dtype).
#include <cmath>
#include <type_traits>

#include "backends/cpu/elementwise_dispatch.h"
#include "backends/cpu/integer_arithmetic.h"
#include "backends/cpu/kernels.h"

namespace fovea::cpu {

Status run_softsign(CpuKernelContext& ctx) {
  return map_float_unary(ctx, run_softsign, [](auto x) { return x / (decltype(x)(1) + std::fabs(x)); });
}

Status run_thresholded_relu(CpuKernelContext& ctx) {
  FOVEA_ASSIGN_OR_RETURN(const float alpha, ctx.node().attr_float("alpha", 1.f));
  return map_float_unary(ctx, run_thresholded_relu, [alpha](auto x) {
    using T = decltype(x);
    return x > static_cast<T>(alpha) ? x : T(0);
  });
}

// max(0, x) + min(0, alpha * (exp(x / alpha) - 1))
Status run_celu(CpuKernelContext& ctx) {
  FOVEA_ASSIGN_OR_RETURN(const float alpha, ctx.node().attr_float("alpha", 1.f));
  return map_float_unary(ctx, run_celu, [alpha](auto x) {
    using T = decltype(x);
    const T a = static_cast<T>(alpha);
    return std::max(T(0), x) + std::min(T(0), a * std::expm1(x / a));
  });
}

// x * tanh(softplus(x)), softplus without overflow.
Status run_mish(CpuKernelContext& ctx) {
  return map_float_unary(ctx, run_mish, [](auto x) {
    using T = decltype(x);
    const T sp = x > T(0) ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
    return x * std::tanh(sp);
  });
}

// x < -lambd: x + bias; x > lambd: x - bias; else 0. Integers compute in double, as NumPy's
// reference does (x + float), then convert back.
Status run_shrink(CpuKernelContext& ctx) {
  FOVEA_ASSIGN_OR_RETURN(const float bias, ctx.node().attr_float("bias", 0.f));
  FOVEA_ASSIGN_OR_RETURN(const float lambd, ctx.node().attr_float("lambd", 0.5f));
  return map_numeric_unary(ctx, run_shrink, [bias, lambd](auto x) {
    using T = decltype(x);
    if constexpr (std::is_floating_point_v<T>) {
      if (x < static_cast<T>(-lambd)) return static_cast<T>(x + static_cast<T>(bias));
      if (x > static_cast<T>(lambd)) return static_cast<T>(x - static_cast<T>(bias));
      return T(0);
    } else {
      const double v = static_cast<double>(x);
      if (v < -static_cast<double>(lambd)) return saturating_from_double<T>(v + bias);
      if (v > static_cast<double>(lambd)) return saturating_from_double<T>(v - bias);
      return T(0);
    }
  });
}

}  // namespace fovea::cpu
