// CPU kernel of TopK. Ties keep the lower index first, as the ONNX reference does; the output is
// always sorted (allowed when sorted=0).
#include <algorithm>
#include <numeric>

#include "backends/cpu/kernels.h"

namespace fovea::cpu {
namespace {

template <typename T>
void top_k_typed(const Tensor& in, Tensor& values, Tensor& indices, size_t axis, int64_t k, bool largest) {
  int64_t outer = 1, inner = 1;
  for (size_t d = 0; d < axis; ++d) outer *= in.dim(d);
  for (size_t d = axis + 1; d < in.rank(); ++d) inner *= in.dim(d);
  const int64_t n = in.dim(axis);
  const T* src = in.data<T>();
  T* vdst = values.defined() ? values.data<T>() : nullptr;
  int64_t* idst = indices.defined() ? indices.data<int64_t>() : nullptr;
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::vector<T> row(static_cast<size_t>(n));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < inner; ++j) {
      for (int64_t i = 0; i < n; ++i) row[i] = src[(o * n + i) * inner + j];
      std::iota(order.begin(), order.end(), 0);
      // NaN orders above every number, so the comparison stays a strict weak order.
      auto less = [](T x, T y) { return x != x ? false : (y != y ? true : x < y); };
      auto before = [&](int64_t a, int64_t b) {
        const T x = row[a], y = row[b];
        if (less(x, y)) return !largest;
        if (less(y, x)) return largest;
        return a < b;
      };
      std::partial_sort(order.begin(), order.begin() + k, order.end(), before);
      for (int64_t i = 0; i < k; ++i) {
        const int64_t dst = (o * k + i) * inner + j;
        if (vdst) vdst[dst] = row[order[i]];
        if (idst) idst[dst] = order[i];
      }
    }
}

}  // namespace

Status run_top_k(CpuKernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  FOVEA_ASSIGN_OR_RETURN(int64_t axis, ctx.node().attr_int("axis", -1));
  FOVEA_ASSIGN_OR_RETURN(int64_t largest, ctx.node().attr_int("largest", 1));
  if (axis < 0) axis += static_cast<int64_t>(in.rank());
  int64_t k = 0;
  if (ctx.opset() < 10) {
    FOVEA_ASSIGN_OR_RETURN(k, ctx.node().attr_int("k", 0));
  } else {
    k = ctx.input(1).int_at(0);
  }
  if (in.numel() == 0 || k == 0) return Status::ok();
  FOVEA_SWITCH_NUMERIC(in.dtype(), T, {
    top_k_typed<T>(in, ctx.output(0), ctx.output(1), static_cast<size_t>(axis), k, largest == 1);
    return Status::ok();
  });
  return ctx.unsupported_dtype(0);
}

}  // namespace fovea::cpu
