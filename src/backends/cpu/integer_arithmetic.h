// Integer arithmetic without undefined behaviour: signed overflow wraps (two's complement, as
// ONNX Runtime and NumPy do), division by zero gives 0 instead of SIGFPE, and INT_MIN / -1 wraps.
// Floating-point types use plain IEEE arithmetic.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace fovea::cpu {

// The unsigned type integer arithmetic wraps in; T itself for floating point.
template <typename T, bool = std::is_integral_v<T>>
struct WrapTypeOf { using type = T; };
template <typename T>
struct WrapTypeOf<T, true> { using type = std::make_unsigned_t<T>; };
template <typename T>
using WrapType = typename WrapTypeOf<T>::type;

template <typename T>
inline T wrapping_add(T a, T b) {
  if constexpr (std::is_integral_v<T>) return static_cast<T>(static_cast<WrapType<T>>(a) + static_cast<WrapType<T>>(b));
  else return a + b;
}
template <typename T>
inline T wrapping_sub(T a, T b) {
  if constexpr (std::is_integral_v<T>) return static_cast<T>(static_cast<WrapType<T>>(a) - static_cast<WrapType<T>>(b));
  else return a - b;
}
template <typename T>
inline T wrapping_mul(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    // Small unsigned types promote to int, whose multiplication can overflow: widen first.
    using Wide = std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned, WrapType<T>>;
    return static_cast<T>(static_cast<Wide>(static_cast<WrapType<T>>(a)) * static_cast<Wide>(static_cast<WrapType<T>>(b)));
  } else {
    return a * b;
  }
}
template <typename T>
inline T wrapping_neg(T a) {
  if constexpr (std::is_integral_v<T>) return static_cast<T>(WrapType<T>(0) - static_cast<WrapType<T>>(a));
  else return -a;
}
// Integer division truncates toward zero (C semantics, as ONNX specifies); x / 0 is defined as 0.
template <typename T>
inline T safe_div(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    if (b == 0) return 0;
    if constexpr (std::is_signed_v<T>)
      if (b == -1) return wrapping_neg(a);
    return static_cast<T>(a / b);
  } else {
    return a / b;
  }
}

// A double converted to an integer type: truncated toward zero, saturated to the type's range,
// NaN -> 0 (C++ leaves out-of-range conversions undefined).
template <typename To>
inline To saturating_from_double(double v) {
  if constexpr (std::is_floating_point_v<To>) {
    return static_cast<To>(v);
  } else if constexpr (std::is_same_v<To, bool>) {
    return v != 0.0;
  } else {
    if (std::isnan(v)) return 0;
    // 2^63 / 2^64 are exact doubles; compare against them rather than max() (not representable).
    constexpr double hi = static_cast<double>(std::numeric_limits<To>::max()) + 1.0;
    constexpr double lo = static_cast<double>(std::numeric_limits<To>::lowest());
    if (v >= hi) return std::numeric_limits<To>::max();
    if (v <= lo) return std::numeric_limits<To>::lowest();
    return static_cast<To>(v);
  }
}

}  // namespace fovea::cpu
