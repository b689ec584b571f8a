// IsNaN and IsInf: float32/float64 in (float16 via float32), bool out.
#include <cmath>

#include "backends/cpu/elementwise_dispatch.h"
#include "backends/cpu/kernels.h"

namespace fovea::cpu {
namespace {

template <typename Pred>
Status classify(CpuKernelContext& ctx, CpuKernelFn self, Pred pred) {
  const Tensor& x = ctx.input(0);
  if (x.dtype() == DType::kFloat16) return run_float16_via_float32(ctx, self);
  FOVEA_SWITCH_FLOAT(x.dtype(), T, {
    unary_map(x.data<T>(), ctx.output(0).data<bool>(), x.numel(), [&](T v) { return static_cast<bool>(pred(v)); });
    return Status::ok();
  });
  return ctx.unsupported_dtype(0);
}

}  // namespace

Status run_is_nan(CpuKernelContext& ctx) {
  return classify(ctx, run_is_nan, [](auto v) { return std::isnan(v); });
}

Status run_is_inf(CpuKernelContext& ctx) {
  FOVEA_ASSIGN_OR_RETURN(const int64_t neg, ctx.node().attr_int("detect_negative", 1));
  FOVEA_ASSIGN_OR_RETURN(const int64_t pos, ctx.node().attr_int("detect_positive", 1));
  return classify(ctx, run_is_inf, [neg, pos](auto v) {
    return std::isinf(v) && ((v > 0 && pos != 0) || (v < 0 && neg != 0));
  });
}

}  // namespace fovea::cpu
