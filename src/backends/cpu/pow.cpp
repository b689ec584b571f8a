// Pow: base and exponent may have different dtypes; the output has the base's dtype.
#include <cmath>
#include <type_traits>

#include "backends/cpu/elementwise_dispatch.h"
#include "backends/cpu/integer_arithmetic.h"
#include "backends/cpu/kernels.h"

namespace fovea::cpu {
namespace {

// Integer power by squaring with wrapping; a negative exponent gives the truncated quotient
// 1 / base^-e (0 unless |base| == 1), where NumPy would raise.
template <typename T, typename E>
T integer_pow(T base, E e) {
  if constexpr (std::is_signed_v<E>) {
    if (e < 0) {
      if (base == 1) return 1;
      if (base == -1) return (e % 2 == 0) ? 1 : -1;
      return 0;
    }
  }
  using U = WrapType<T>;
  U result = 1, b = static_cast<U>(base);
  for (auto n = static_cast<uint64_t>(e); n != 0; n >>= 1) {
    if (n & 1) result = static_cast<U>(result * b);
    b = static_cast<U>(b * b);
  }
  return static_cast<T>(result);
}

template <typename T, typename E>
T pow_value(T base, E e) {
  if constexpr (std::is_same_v<T, E> && std::is_floating_point_v<T>) {
    return std::pow(base, e);
  } else if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(std::pow(static_cast<double>(base), static_cast<double>(e)));
  } else if constexpr (std::is_integral_v<E>) {
    return integer_pow(base, e);
  } else {
    return saturating_from_double<T>(std::pow(static_cast<double>(base), static_cast<double>(e)));
  }
}

template <typename T>
Status pow_with_base(CpuKernelContext& ctx) {
  const Tensor& e = ctx.input(1);
  FOVEA_SWITCH_NUMERIC(e.dtype(), E, {
    broadcast_binary<T, T, E>(ctx.input(0), e, ctx.output(0), [](T b, E x) { return pow_value(b, x); });
    return Status::ok();
  });
  return ctx.unsupported_dtype(1);
}

}  // namespace

Status run_pow(CpuKernelContext& ctx) {
  if (has_float16_input(ctx)) return run_float16_via_float32(ctx, run_pow);
  switch (ctx.input(0).dtype()) {
    case DType::kFloat32: return pow_with_base<float>(ctx);
    case DType::kFloat64: return pow_with_base<double>(ctx);
    case DType::kInt32: return pow_with_base<int32_t>(ctx);
    case DType::kInt64: return pow_with_base<int64_t>(ctx);
    default: return ctx.unsupported_dtype(0);
  }
}

}  // namespace fovea::cpu
