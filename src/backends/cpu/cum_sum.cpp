// CPU kernel of CumSum (exclusive and reverse variants).
#include <type_traits>

#include "backends/cpu/kernels.h"

namespace fovea::cpu {
namespace {

template <typename T>
void cum_sum_typed(const T* src, T* dst, int64_t outer, int64_t n, int64_t inner, bool exclusive, bool reverse) {
  using Acc = std::conditional_t<std::is_floating_point_v<T>, double, T>;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < inner; ++j) {
      Acc acc = 0;
      for (int64_t s = 0; s < n; ++s) {
        const int64_t k = reverse ? n - 1 - s : s;
        const int64_t at = (o * n + k) * inner + j;
        if (exclusive) {
          dst[at] = static_cast<T>(acc);
          acc += src[at];
        } else {
          acc += src[at];
          dst[at] = static_cast<T>(acc);
        }
      }
    }
}

}  // namespace

Status run_cum_sum(CpuKernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  const int64_t rank = static_cast<int64_t>(in.rank());
  FOVEA_ASSIGN_OR_RETURN(int64_t axis, normalize_axis(ctx.input(1).int_at(0), rank, ctx.node().describe()));
  FOVEA_ASSIGN_OR_RETURN(int64_t exclusive, ctx.node().attr_int("exclusive", 0));
  FOVEA_ASSIGN_OR_RETURN(int64_t reverse, ctx.node().attr_int("reverse", 0));
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= in.dim(d);
  for (int64_t d = axis + 1; d < rank; ++d) inner *= in.dim(d);
  if (in.numel() == 0) return Status::ok();
  FOVEA_SWITCH_NUMERIC(in.dtype(), T, {
    cum_sum_typed<T>(in.data<T>(), ctx.output(0).data<T>(), outer, in.dim(axis), inner, exclusive == 1, reverse == 1);
    return Status::ok();
  });
  return ctx.unsupported_dtype(0);
}

}  // namespace fovea::cpu
