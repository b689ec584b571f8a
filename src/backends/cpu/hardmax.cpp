// Hardmax over one axis (opset 13) or over everything from `axis` on (before 13).
#include <algorithm>

#include "backends/cpu/elementwise_dispatch.h"
#include "backends/cpu/kernels.h"
#include "backends/cpu/softmax_axis.h"

namespace fovea::cpu {

Status run_hardmax(CpuKernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  if (in.dtype() == DType::kFloat16) return run_float16_via_float32(ctx, run_hardmax);
  FOVEA_ASSIGN_OR_RETURN(const SoftmaxAxisSplit split, softmax_axis_split(ctx));
  const int64_t outer = split.outer, n = split.n, inner = split.inner;
  if (in.numel() == 0) return Status::ok();
  FOVEA_SWITCH_FLOAT(in.dtype(), T, {
    const T* src = in.data<T>();
    T* dst = ctx.output(0).data<T>();
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t j = 0; j < inner; ++j) {
        const int64_t base = o * n * inner + j;
        int64_t best = 0;
        for (int64_t k = 1; k < n; ++k)
          if (src[base + k * inner] > src[base + best * inner]) best = k;
        dst[base + best * inner] = T(1);
      }
    return Status::ok();
  });
  return ctx.unsupported_dtype(0);
}

}  // namespace fovea::cpu
