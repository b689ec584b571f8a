// CPU kernels of Softmax and LogSoftmax, numerically stable (max subtracted before exp).
#include <algorithm>
#include <cmath>

#include "backends/cpu/kernels.h"

namespace fovea::cpu {
namespace {

template <typename T, bool kLog>
void softmax_typed(const T* src, T* dst, int64_t outer, int64_t n, int64_t inner) {
  std::vector<double> buf(static_cast<size_t>(n));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < inner; ++j) {
      const T* p = src + o * n * inner + j;
      T* q = dst + o * n * inner + j;
      double mx = -INFINITY;
      for (int64_t k = 0; k < n; ++k) mx = std::max(mx, static_cast<double>(p[k * inner]));
      double sum = 0;
      for (int64_t k = 0; k < n; ++k) {
        buf[k] = static_cast<double>(p[k * inner]) - mx;
        sum += std::exp(buf[k]);
      }
      if (kLog) {
        const double log_sum = std::log(sum);
        for (int64_t k = 0; k < n; ++k) q[k * inner] = static_cast<T>(buf[k] - log_sum);
      } else {
        for (int64_t k = 0; k < n; ++k) q[k * inner] = static_cast<T>(std::exp(buf[k]) / sum);
      }
    }
}

template <bool kLog>
Status run_softmax_family(CpuKernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  const int64_t rank = static_cast<int64_t>(in.rank());
  FOVEA_ASSIGN_OR_RETURN(int64_t axis, ctx.node().attr_int("axis", ctx.opset() >= 13 ? -1 : 1));
  if (axis < 0) axis += rank;
  axis = std::clamp<int64_t>(axis, 0, rank);
  int64_t outer = 1, n = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d) {
    if (d < axis) outer *= in.dim(d);
    else if (d == axis || ctx.opset() < 13) n *= in.dim(d);  // before 13: everything from axis on
    else inner *= in.dim(d);
  }
  if (in.numel() == 0) return Status::ok();
  FOVEA_SWITCH_FLOAT(in.dtype(), T, {
    softmax_typed<T, kLog>(in.data<T>(), ctx.output(0).data<T>(), outer, n, inner);
    return Status::ok();
  });
  return ctx.unsupported_dtype(0);
}

}  // namespace

Status run_softmax(CpuKernelContext& ctx) { return run_softmax_family<false>(ctx); }
Status run_log_softmax(CpuKernelContext& ctx) { return run_softmax_family<true>(ctx); }

}  // namespace fovea::cpu
