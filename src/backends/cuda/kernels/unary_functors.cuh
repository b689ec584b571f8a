// Device functors of the unary ops (unary_elementwise.h), one per op, each written in the
// compute type C (float for float16 storage) to match the CPU reference kernel of the same op
// (src/backends/cpu/activations.cpp, extra_activations.cpp, unary_math.cpp, trigonometric.cpp,
// float_classify.cpp). Include only from the unary_*.cu files.
#pragma once

#include <limits>
#include <type_traits>

#include "backends/cuda/kernels/elementwise_loop.cuh"
#include "backends/cuda/kernels/unary_elementwise.h"

namespace fovea::cuda::kernels::elementwise {

// ---- ops on every numeric type ----

// NaN passes through (as np.maximum(x, 0)).
struct ReluFn {
  template <typename C>
  __device__ C operator()(C x) const { return is_negative(x) ? C(0) : x; }
};
// abs(INT_MIN) wraps to INT_MIN.
struct AbsFn {
  template <typename C>
  __device__ C operator()(C x) const {
    if constexpr (std::is_floating_point_v<C>) return dmath::fabs(x);
    else if constexpr (std::is_signed_v<C>) return x < C(0) ? wrapping_neg(x) : x;
    else return x;
  }
};
struct NegFn {
  template <typename C>
  __device__ C operator()(C x) const { return wrapping_neg(x); }
};
// -1, 0 or 1; NaN stays NaN.
struct SignFn {
  template <typename C>
  __device__ C operator()(C x) const {
    if constexpr (std::is_floating_point_v<C>)
      if (is_nan(x)) return x;
    return static_cast<C>(static_cast<int>(C(0) < x) - static_cast<int>(is_negative(x)));
  }
};
// Integers go through double, as the CPU reference does (erf's range keeps the cast safe).
struct ErfFn {
  template <typename C>
  __device__ C operator()(C x) const {
    if constexpr (std::is_floating_point_v<C>) return dmath::erf(x);
    else return static_cast<C>(::erf(static_cast<double>(x)));
  }
};
// x < -lambd: x + bias; x > lambd: x - bias; else 0. Integers compute in double and saturate.
struct ShrinkFn {
  float bias, lambd;
  template <typename C>
  __device__ C operator()(C x) const {
    if constexpr (std::is_floating_point_v<C>) {
      if (x < static_cast<C>(-lambd)) return static_cast<C>(x + static_cast<C>(bias));
      if (x > static_cast<C>(lambd)) return static_cast<C>(x - static_cast<C>(bias));
      return C(0);
    } else {
      const double v = static_cast<double>(x);
      if (v < -static_cast<double>(lambd)) return saturating_from_double<C>(v + bias);
      if (v > static_cast<double>(lambd)) return saturating_from_double<C>(v - bias);
      return C(0);
    }
  }
};

// ---- float-only activations (C is float or double) ----

struct LeakyReluFn {
  float alpha;
  template <typename C>
  __device__ C operator()(C x) const { return x < C(0) ? static_cast<C>(alpha) * x : x; }
};
// Through exp(-|x|) in (0, 1], so nothing overflows; NaN in, NaN out.
struct SigmoidFn {
  template <typename C>
  __device__ C operator()(C x) const {
    const C e = dmath::exp(-dmath::fabs(x));
    const C inv = C(1) / (C(1) + e);
    return x >= C(0) ? inv : e * inv;
  }
};
struct TanhFn {
  template <typename C>
  __device__ C operator()(C x) const { return dmath::tanh(x); }
};
struct HardSigmoidFn {
  float alpha, beta;
  template <typename C>
  __device__ C operator()(C x) const {
    return std_max(C(0), std_min(C(1), static_cast<C>(alpha) * x + static_cast<C>(beta)));
  }
};
struct HardSwishFn {
  template <typename C>
  __device__ C operator()(C x) const {
    return x * std_max(C(0), std_min(C(1), x * C(1.0 / 6.0) + C(0.5)));
  }
};
// log(1 + exp(x)) without overflow for large x.
template <typename C>
__device__ __forceinline__ C softplus(C x) {
  return x > C(0) ? x + dmath::log1p(dmath::exp(-x)) : dmath::log1p(dmath::exp(x));
}
struct SoftplusFn {
  template <typename C>
  __device__ C operator()(C x) const { return softplus(x); }
};
struct SoftsignFn {
  template <typename C>
  __device__ C operator()(C x) const { return x / (C(1) + dmath::fabs(x)); }
};
struct EluFn {
  float alpha;
  template <typename C>
  __device__ C operator()(C x) const { return x < C(0) ? static_cast<C>(alpha) * dmath::expm1(x) : x; }
};
struct SeluFn {
  float alpha, gamma;
  template <typename C>
  __device__ C operator()(C x) const {
    const C a = static_cast<C>(alpha), g = static_cast<C>(gamma);
    return x <= C(0) ? g * (a * dmath::exp(x) - a) : g * x;
  }
};
// max(0, x) + min(0, alpha * (exp(x / alpha) - 1))
struct CeluFn {
  float alpha;
  template <typename C>
  __device__ C operator()(C x) const {
    const C a = static_cast<C>(alpha);
    return std_max(C(0), x) + std_min(C(0), a * dmath::expm1(x / a));
  }
};
struct ThresholdedReluFn {
  float alpha;
  template <typename C>
  __device__ C operator()(C x) const { return x > static_cast<C>(alpha) ? x : C(0); }
};
struct MishFn {
  template <typename C>
  __device__ C operator()(C x) const { return x * dmath::tanh(softplus(x)); }
};

// ---- float-only math ----

#define FOVEA_UNARY_MATH_FN(NAME, EXPR)                \
  struct NAME {                                        \
    template <typename C>                              \
    __device__ C operator()(C x) const { return EXPR; } \
  };
FOVEA_UNARY_MATH_FN(SqrtFn, dmath::sqrt(x))
FOVEA_UNARY_MATH_FN(ExpFn, dmath::exp(x))
FOVEA_UNARY_MATH_FN(LogFn, dmath::log(x))
FOVEA_UNARY_MATH_FN(ReciprocalFn, C(1) / x)
FOVEA_UNARY_MATH_FN(FloorFn, dmath::floor(x))
FOVEA_UNARY_MATH_FN(CeilFn, dmath::ceil(x))
FOVEA_UNARY_MATH_FN(RoundFn, dmath::rint(x))  // halves to even, as nearbyint
FOVEA_UNARY_MATH_FN(SinFn, dmath::sin(x))
FOVEA_UNARY_MATH_FN(CosFn, dmath::cos(x))
FOVEA_UNARY_MATH_FN(TanFn, dmath::tan(x))
FOVEA_UNARY_MATH_FN(AsinFn, dmath::asin(x))
FOVEA_UNARY_MATH_FN(AcosFn, dmath::acos(x))
FOVEA_UNARY_MATH_FN(AtanFn, dmath::atan(x))
FOVEA_UNARY_MATH_FN(SinhFn, dmath::sinh(x))
FOVEA_UNARY_MATH_FN(CoshFn, dmath::cosh(x))
FOVEA_UNARY_MATH_FN(AsinhFn, dmath::asinh(x))
FOVEA_UNARY_MATH_FN(AcoshFn, dmath::acosh(x))
FOVEA_UNARY_MATH_FN(AtanhFn, dmath::atanh(x))
#undef FOVEA_UNARY_MATH_FN

// ---- storage adapters and launch helpers ----

// Applies a compute-type functor to storage values: float16 widens to float and rounds back.
template <typename T, typename Fn>
struct StorageMap {
  Fn fn;
  __device__ __forceinline__ T operator()(T x) const { return store_as<T>(fn(widen(x))); }
};

// y = fn(x) for a float kind (float32 / float16 vectorized); cudaErrorNotSupported otherwise.
template <typename Fn>
cudaError_t launch_float_map(ScalarKind kind, const Fn& fn, const void* x, void* y, int64_t n, cudaStream_t stream) {
  FOVEA_KIND_SWITCH_FLOAT(kind, T, {
    Operand<T> in;
    in.data = static_cast<const T*>(x);
    return launch_elementwise<kVectorWidth<T>>(static_cast<T*>(y), n, stream, StorageMap<T, Fn>{fn}, in);
  });
  return cudaErrorNotSupported;
}

// y = fn(x) for every numeric kind.
template <typename Fn>
cudaError_t launch_numeric_map(ScalarKind kind, const Fn& fn, const void* x, void* y, int64_t n,
                               cudaStream_t stream) {
  FOVEA_KIND_SWITCH_NUMERIC(kind, T, {
    Operand<T> in;
    in.data = static_cast<const T*>(x);
    return launch_elementwise<kVectorWidth<T>>(static_cast<T*>(y), n, stream, StorageMap<T, Fn>{fn}, in);
  });
  return cudaErrorNotSupported;
}

// Per-file parts of launch_unary (unary_activation_ops.cu, unary_math_ops.cu); each returns
// cudaErrorNotSupported for ops it does not own.
cudaError_t launch_unary_activation(const UnaryParams& params, ScalarKind kind, const void* x, void* y, int64_t n,
                                    cudaStream_t stream);
cudaError_t launch_unary_math(const UnaryParams& params, ScalarKind kind, const void* x, void* y, int64_t n,
                              cudaStream_t stream);

}  // namespace fovea::cuda::kernels::elementwise
