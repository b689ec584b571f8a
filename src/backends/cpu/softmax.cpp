// CPU kernels of Softmax and LogSoftmax, numerically stable (max subtracted before exp).
#include <algorithm>
#include <cmath>
#include <vector>

#include "backends/cpu/kernels.h"
#include "backends/cpu/softmax_axis.h"

namespace fovea::cpu {
namespace {

// Works on all `inner` lanes at once: a softmax over a strided axis (YOLO's DFL, over dim 1 of
// [1,16,4,8400]) then reads memory contiguously. exp runs in T (expf for float32, < 1 ulp);
// sums accumulate in double.
template <typename T, bool kLog>
void softmax_typed(const T* src, T* dst, int64_t outer, int64_t n, int64_t inner) {
  std::vector<T> mx(static_cast<size_t>(inner));
  std::vector<double> sum(static_cast<size_t>(inner));
  for (int64_t o = 0; o < outer; ++o) {
    const T* p = src + o * n * inner;
    T* q = dst + o * n * inner;
    std::copy(p, p + inner, mx.begin());
    for (int64_t k = 1; k < n; ++k)
      for (int64_t j = 0; j < inner; ++j) mx[j] = std::max(mx[j], p[k * inner + j]);
    std::fill(sum.begin(), sum.end(), 0.0);
    for (int64_t k = 0; k < n; ++k)
      for (int64_t j = 0; j < inner; ++j) {
        const T e = std::exp(p[k * inner + j] - mx[j]);
        sum[j] += e;
        if (!kLog) q[k * inner + j] = e;
      }
    for (int64_t j = 0; j < inner; ++j) sum[j] = kLog ? std::log(sum[j]) : 1.0 / sum[j];
    for (int64_t k = 0; k < n; ++k)
      for (int64_t j = 0; j < inner; ++j) {
        T& y = q[k * inner + j];
        y = kLog ? static_cast<T>(p[k * inner + j] - mx[j] - sum[j]) : static_cast<T>(y * sum[j]);
      }
  }
}

template <bool kLog>
Status run_softmax_family(CpuKernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  FOVEA_ASSIGN_OR_RETURN(const SoftmaxAxisSplit split, softmax_axis_split(ctx));
  const int64_t outer = split.outer, n = split.n, inner = split.inner;
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
