// LRN: y = x / (bias + alpha / size * sum of x^2 over channels [c - floor((size-1)/2),
// c + ceil((size-1)/2)]) ^ beta.
#include <algorithm>
#include <cmath>

#include "backends/cpu/elementwise_dispatch.h"
#include "backends/cpu/kernels.h"

namespace fovea::cpu {

Status run_lrn(CpuKernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  if (x.dtype() == DType::kFloat16) return run_float16_via_float32(ctx, run_lrn);
  FOVEA_ASSIGN_OR_RETURN(const int64_t size, ctx.node().attr_int("size", 1));
  FOVEA_ASSIGN_OR_RETURN(const float alpha, ctx.node().attr_float("alpha", 1e-4f));
  FOVEA_ASSIGN_OR_RETURN(const float beta, ctx.node().attr_float("beta", 0.75f));
  FOVEA_ASSIGN_OR_RETURN(const float bias, ctx.node().attr_float("bias", 1.f));
  const int64_t n = x.dim(0), c = x.dim(1);
  const int64_t inner = c == 0 || n == 0 ? 0 : x.numel() / (n * c);
  const int64_t before = (size - 1) / 2, after = size - 1 - before;
  FOVEA_SWITCH_FLOAT(x.dtype(), T, {
    const T* src = x.data<T>();
    T* dst = ctx.output(0).data<T>();
    for (int64_t b = 0; b < n; ++b)
      for (int64_t ch = 0; ch < c; ++ch) {
        const int64_t lo = std::max<int64_t>(0, ch - before), hi = std::min(c - 1, ch + after);
        for (int64_t i = 0; i < inner; ++i) {
          double sum = 0;
          for (int64_t k = lo; k <= hi; ++k) {
            const double v = src[(b * c + k) * inner + i];
            sum += v * v;
          }
          const int64_t at = (b * c + ch) * inner + i;
          dst[at] = static_cast<T>(src[at] / std::pow(bias + alpha / static_cast<double>(size) * sum, beta));
        }
      }
    return Status::ok();
  });
  return ctx.unsupported_dtype(0);
}

}  // namespace fovea::cpu
