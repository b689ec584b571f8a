// Activation kernels. Float math is done in the input's type (float32 or float64).
#include <cmath>
#include <type_traits>

#include "backends/cpu/elementwise_dispatch.h"
#include "backends/cpu/integer_arithmetic.h"
#include "backends/cpu/kernels.h"
#include "backends/cpu/vector_math.h"

namespace fovea::cpu {
namespace {

// x < 0 without a warning for unsigned types (PRelu accepts uint32/uint64).
template <typename T>
bool is_negative(T x) {
  if constexpr (std::is_signed_v<T>) return x < T(0);
  else return false;
}

}  // namespace

// NaN passes through (as np.maximum(x, 0) does).
Status run_relu(CpuKernelContext& ctx) {
  return map_numeric_unary(ctx, run_relu, [](auto x) { return is_negative(x) ? decltype(x)(0) : x; });
}

Status run_leaky_relu(CpuKernelContext& ctx) {
  FOVEA_ASSIGN_OR_RETURN(const float alpha, ctx.node().attr_float("alpha", 0.01f));
  return map_float_unary(ctx, run_leaky_relu, [alpha](auto x) {
    using T = decltype(x);
    return x < T(0) ? static_cast<T>(alpha) * x : x;
  });
}

// y = x < 0 ? slope * x : x, slope broadcast to X's shape.
Status run_prelu(CpuKernelContext& ctx) {
  if (has_float16_input(ctx)) return run_float16_via_float32(ctx, run_prelu);
  FOVEA_SWITCH_NUMERIC(ctx.input(0).dtype(), T, {
    broadcast_binary<T, T, T>(ctx.input(0), ctx.input(1), ctx.output(0),
                              [](T x, T s) { return is_negative(x) ? wrapping_mul(x, s) : x; });
    return Status::ok();
  });
  return ctx.unsupported_dtype(0);
}

Status run_sigmoid(CpuKernelContext& ctx) {
  if (ctx.input(0).dtype() == DType::kFloat32) {  // the hot case (SiLU in every YOLO block)
    sigmoid_array(ctx.input(0).data<float>(), ctx.output(0).data<float>(), ctx.input(0).numel());
    return Status::ok();
  }
  return map_float_unary(ctx, run_sigmoid, [](auto x) {
    using T = decltype(x);
    return T(1) / (T(1) + std::exp(-x));
  });
}

Status run_tanh(CpuKernelContext& ctx) {
  return map_float_unary(ctx, run_tanh, [](auto x) { return std::tanh(x); });
}

Status run_hard_sigmoid(CpuKernelContext& ctx) {
  FOVEA_ASSIGN_OR_RETURN(const float alpha, ctx.node().attr_float("alpha", 0.2f));
  FOVEA_ASSIGN_OR_RETURN(const float beta, ctx.node().attr_float("beta", 0.5f));
  return map_float_unary(ctx, run_hard_sigmoid, [alpha, beta](auto x) {
    using T = decltype(x);
    return std::max(T(0), std::min(T(1), static_cast<T>(alpha) * x + static_cast<T>(beta)));
  });
}

Status run_hard_swish(CpuKernelContext& ctx) {
  return map_float_unary(ctx, run_hard_swish, [](auto x) {
    using T = decltype(x);
    return x * std::max(T(0), std::min(T(1), x * T(1.0 / 6.0) + T(0.5)));
  });
}

// log(1 + exp(x)) without overflow for large x.
Status run_softplus(CpuKernelContext& ctx) {
  return map_float_unary(ctx, run_softplus, [](auto x) {
    using T = decltype(x);
    return x > T(0) ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
  });
}

Status run_elu(CpuKernelContext& ctx) {
  FOVEA_ASSIGN_OR_RETURN(const float alpha, ctx.node().attr_float("alpha", 1.0f));
  return map_float_unary(ctx, run_elu, [alpha](auto x) {
    using T = decltype(x);
    return x < T(0) ? static_cast<T>(alpha) * std::expm1(x) : x;
  });
}

Status run_selu(CpuKernelContext& ctx) {
  FOVEA_ASSIGN_OR_RETURN(const float alpha, ctx.node().attr_float("alpha", 1.67326319217681884765625f));
  FOVEA_ASSIGN_OR_RETURN(const float gamma, ctx.node().attr_float("gamma", 1.05070102214813232421875f));
  return map_float_unary(ctx, run_selu, [alpha, gamma](auto x) {
    using T = decltype(x);
    return x <= T(0) ? static_cast<T>(gamma) * (static_cast<T>(alpha) * std::exp(x) - static_cast<T>(alpha))
                     : static_cast<T>(gamma) * x;
  });
}

// Erf accepts integer inputs too; erf's range [-1, 1] makes the conversion back safe.
Status run_erf(CpuKernelContext& ctx) {
  return map_numeric_unary(ctx, run_erf, [](auto x) { return std::erf(static_cast<double>(x)); });
}

}  // namespace fovea::cpu
