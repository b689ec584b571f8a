// Clip: y = min(max(x, lo), hi). Bounds are attributes before opset 11 and optional scalar
// inputs after; a missing bound is the type's limit. NaN passes through; lo > hi gives hi.
#include <limits>

#include "backends/cpu/elementwise_dispatch.h"
#include "backends/cpu/kernels.h"

namespace fovea::cpu {
namespace {

template <typename T>
void clip_values(const Tensor& x, Tensor& y, T lo, T hi) {
  unary_map(x.data<T>(), y.data<T>(), x.numel(), [lo, hi](T v) {
    v = v < lo ? lo : v;
    return v > hi ? hi : v;
  });
}

// The "no bound" values: infinities for floats (so -inf/+inf inputs pass), limits for integers.
template <typename T>
constexpr T no_lower_bound() {
  return std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::lowest();
}
template <typename T>
constexpr T no_upper_bound() {
  return std::numeric_limits<T>::has_infinity ? std::numeric_limits<T>::infinity() : std::numeric_limits<T>::max();
}

}  // namespace

Status run_clip(CpuKernelContext& ctx) {
  if (has_float16_input(ctx)) return run_float16_via_float32(ctx, run_clip);
  const Tensor& x = ctx.input(0);
  if (ctx.opset() < 11) {
    FOVEA_ASSIGN_OR_RETURN(const float lo, ctx.node().attr_float("min", no_lower_bound<float>()));
    FOVEA_ASSIGN_OR_RETURN(const float hi, ctx.node().attr_float("max", no_upper_bound<float>()));
    FOVEA_SWITCH_FLOAT(x.dtype(), T, {
      clip_values<T>(x, ctx.output(0), static_cast<T>(lo), static_cast<T>(hi));
      return Status::ok();
    });
    return ctx.unsupported_dtype(0);
  }
  for (size_t i = 1; i < 3; ++i)
    if (ctx.has_input(i) && (ctx.input(i).numel() != 1 || ctx.input(i).dtype() != x.dtype()))
      return ctx.error("input {} must be a scalar of the input's dtype", i);
  FOVEA_SWITCH_NUMERIC(x.dtype(), T, {
    const T lo = ctx.has_input(1) ? ctx.input(1).data<T>()[0] : no_lower_bound<T>();
    const T hi = ctx.has_input(2) ? ctx.input(2).data<T>()[0] : no_upper_bound<T>();
    clip_values<T>(x, ctx.output(0), lo, hi);
    return Status::ok();
  });
  return ctx.unsupported_dtype(0);
}

}  // namespace fovea::cpu
