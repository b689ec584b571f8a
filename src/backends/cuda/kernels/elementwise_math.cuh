// Device-side scalar semantics shared by the elementwise launchers, written to match the CPU
// reference exactly (src/backends/cpu/integer_arithmetic.h, vector_math.h): float16 computes in
// float32, integer overflow wraps, integer x / 0 is 0, float -> integer conversions truncate and
// saturate with NaN -> 0, and min/max follow std::min/std::max's NaN behaviour.
// Include only from .cu files.
#pragma once

#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>
#include <limits>
#include <type_traits>

namespace fovea::cuda::kernels::elementwise {

// ---- storage and compute types ----

template <typename T>
inline constexpr bool kIsFloat = std::is_floating_point_v<T> || std::is_same_v<T, __half>;

// float for __half storage, the storage type itself otherwise.
template <typename T>
struct ComputeTypeOf {
  using type = T;
};
template <>
struct ComputeTypeOf<__half> {
  using type = float;
};
template <typename T>
using ComputeType = typename ComputeTypeOf<T>::type;

template <typename T>
__device__ __forceinline__ ComputeType<T> widen(T v) {
  if constexpr (std::is_same_v<T, __half>) return __half2float(v);
  else return v;
}

// A computed value stored as Out (float -> half rounds to nearest even).
template <typename Out, typename C>
__device__ __forceinline__ Out store_as(C v) {
  if constexpr (std::is_same_v<Out, __half>) return __float2half_rn(static_cast<float>(v));
  else return static_cast<Out>(v);
}

// ---- float math in the compute type (float or double), without implicit promotion ----

namespace dmath {
#define FOVEA_DMATH_UNARY(name)                                                   \
  __device__ __forceinline__ float name(float x) { return ::name##f(x); }        \
  __device__ __forceinline__ double name(double x) { return ::name(x); }
FOVEA_DMATH_UNARY(exp)
FOVEA_DMATH_UNARY(expm1)
FOVEA_DMATH_UNARY(log)
FOVEA_DMATH_UNARY(log1p)
FOVEA_DMATH_UNARY(sqrt)
FOVEA_DMATH_UNARY(tanh)
FOVEA_DMATH_UNARY(erf)
FOVEA_DMATH_UNARY(floor)
FOVEA_DMATH_UNARY(ceil)
FOVEA_DMATH_UNARY(rint)
FOVEA_DMATH_UNARY(fabs)
FOVEA_DMATH_UNARY(sin)
FOVEA_DMATH_UNARY(cos)
FOVEA_DMATH_UNARY(tan)
FOVEA_DMATH_UNARY(asin)
FOVEA_DMATH_UNARY(acos)
FOVEA_DMATH_UNARY(atan)
FOVEA_DMATH_UNARY(sinh)
FOVEA_DMATH_UNARY(cosh)
FOVEA_DMATH_UNARY(asinh)
FOVEA_DMATH_UNARY(acosh)
FOVEA_DMATH_UNARY(atanh)
#undef FOVEA_DMATH_UNARY
__device__ __forceinline__ float fmod(float a, float b) { return ::fmodf(a, b); }
__device__ __forceinline__ double fmod(double a, double b) { return ::fmod(a, b); }
__device__ __forceinline__ float pow(float a, float b) { return ::powf(a, b); }
__device__ __forceinline__ double pow(double a, double b) { return ::pow(a, b); }
}  // namespace dmath

template <typename T>
__device__ __forceinline__ bool is_nan(T v) {
  if constexpr (std::is_floating_point_v<T>) return v != v;
  else return false;
}

// x < 0 without a warning for unsigned types.
template <typename T>
__device__ __forceinline__ bool is_negative(T x) {
  if constexpr (std::is_signed_v<T>) return x < T(0);
  else return false;
}

// std::min / std::max exactly (the CPU kernels use them): NaN handling depends on the order.
template <typename T>
__device__ __forceinline__ T std_min(T a, T b) { return (b < a) ? b : a; }
template <typename T>
__device__ __forceinline__ T std_max(T a, T b) { return (a < b) ? b : a; }

// ---- integer arithmetic without undefined behaviour (as integer_arithmetic.h) ----

template <typename T, bool = std::is_integral_v<T>>
struct WrapTypeOf {
  using type = T;
};
template <typename T>
struct WrapTypeOf<T, true> {
  using type = std::make_unsigned_t<T>;
};
template <typename T>
using WrapType = typename WrapTypeOf<T>::type;

template <typename T>
__device__ __forceinline__ T wrapping_add(T a, T b) {
  if constexpr (std::is_integral_v<T>) return static_cast<T>(static_cast<WrapType<T>>(a) + static_cast<WrapType<T>>(b));
  else return a + b;
}
template <typename T>
__device__ __forceinline__ T wrapping_sub(T a, T b) {
  if constexpr (std::is_integral_v<T>) return static_cast<T>(static_cast<WrapType<T>>(a) - static_cast<WrapType<T>>(b));
  else return a - b;
}
template <typename T>
__device__ __forceinline__ T wrapping_mul(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    // Small types promote to int, whose multiplication can overflow: multiply as unsigned.
    using Wide = std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned, WrapType<T>>;
    return static_cast<T>(static_cast<Wide>(static_cast<WrapType<T>>(a)) *
                          static_cast<Wide>(static_cast<WrapType<T>>(b)));
  } else {
    return a * b;
  }
}
template <typename T>
__device__ __forceinline__ T wrapping_neg(T a) {
  if constexpr (std::is_integral_v<T>) return static_cast<T>(WrapType<T>(0) - static_cast<WrapType<T>>(a));
  else return -a;
}
// Integer division truncates toward zero; x / 0 is 0 and INT_MIN / -1 wraps.
template <typename T>
__device__ __forceinline__ T safe_div(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    if (b == 0) return 0;
    if constexpr (std::is_signed_v<T>)
      if (b == T(-1)) return wrapping_neg(a);
    return static_cast<T>(a / b);
  } else {
    return a / b;
  }
}

// A double converted to To: truncated toward zero and saturated for integers, NaN -> 0;
// != 0 for bool; a plain conversion for floating point.
template <typename To>
__device__ __forceinline__ To saturating_from_double(double v) {
  if constexpr (std::is_same_v<To, __half>) {
    return __float2half_rn(static_cast<float>(v));
  } else if constexpr (std::is_floating_point_v<To>) {
    return static_cast<To>(v);
  } else if constexpr (std::is_same_v<To, bool>) {
    return v != 0.0;
  } else {
    if (v != v) return 0;
    // 2^63 / 2^64 are exact doubles; compare against them rather than max() (not representable).
    constexpr double hi = static_cast<double>(std::numeric_limits<To>::max()) + 1.0;
    constexpr double lo = static_cast<double>(std::numeric_limits<To>::lowest());
    if (v >= hi) return std::numeric_limits<To>::max();
    if (v <= lo) return std::numeric_limits<To>::lowest();
    return static_cast<To>(v);
  }
}

}  // namespace fovea::cuda::kernels::elementwise
