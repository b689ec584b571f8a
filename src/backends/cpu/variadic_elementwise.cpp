// Min, Max, Sum, Mean: folded pairwise into the output, each step broadcasting one more input.
#include <cmath>
#include <cstring>
#include <type_traits>

#include "backends/cpu/elementwise_dispatch.h"
#include "backends/cpu/integer_arithmetic.h"
#include "backends/cpu/kernels.h"

namespace fovea::cpu {
namespace {

template <typename T, typename Op>
void fold_inputs(CpuKernelContext& ctx, Op op) {
  Tensor& out = ctx.output(0);
  if (ctx.num_inputs() == 1) {
    std::memcpy(out.raw_data(), ctx.input(0).raw_data(), out.nbytes());
    return;
  }
  broadcast_binary<T, T, T>(ctx.input(0), ctx.input(1), out, op);
  for (size_t i = 2; i < ctx.num_inputs(); ++i) broadcast_binary<T, T, T>(out, ctx.input(i), out, op);
}

template <typename Op>
Status fold_numeric(CpuKernelContext& ctx, CpuKernelFn self, Op op) {
  for (size_t i = 0; i < ctx.num_inputs(); ++i)
    if (!ctx.has_input(i)) return ctx.error("input {} is missing", i);
  if (has_float16_input(ctx)) return run_float16_via_float32(ctx, self);
  FOVEA_SWITCH_NUMERIC(ctx.input(0).dtype(), T, {
    fold_inputs<T>(ctx, [&](T a, T b) { return static_cast<T>(op(a, b)); });
    return Status::ok();
  });
  return ctx.unsupported_dtype(0);
}

// NaN wins in Min and Max, as in np.minimum / np.maximum.
template <typename T>
bool is_nan(T v) {
  if constexpr (std::is_floating_point_v<T>) return std::isnan(v);
  else return false;
}

}  // namespace

Status run_min(CpuKernelContext& ctx) {
  return fold_numeric(ctx, run_min, [](auto a, auto b) { return is_nan(a) ? a : (b < a || is_nan(b)) ? b : a; });
}
Status run_max(CpuKernelContext& ctx) {
  return fold_numeric(ctx, run_max, [](auto a, auto b) { return is_nan(a) ? a : (b > a || is_nan(b)) ? b : a; });
}
Status run_sum(CpuKernelContext& ctx) {
  return fold_numeric(ctx, run_sum, [](auto a, auto b) { return wrapping_add(a, b); });
}

Status run_mean(CpuKernelContext& ctx) {
  FOVEA_RETURN_IF_ERROR(fold_numeric(ctx, run_mean, [](auto a, auto b) { return wrapping_add(a, b); }));
  if (ctx.output(0).dtype() == DType::kFloat16) return Status::ok();  // the float32 pass divided already
  const int64_t count = static_cast<int64_t>(ctx.num_inputs());
  Tensor& out = ctx.output(0);
  FOVEA_SWITCH_NUMERIC(out.dtype(), T, {
    T* p = out.data<T>();
    unary_map(p, p, out.numel(), [count](T v) { return safe_div(v, static_cast<T>(count)); });
    return Status::ok();
  });
  return ctx.unsupported_dtype(0);
}

}  // namespace fovea::cpu
