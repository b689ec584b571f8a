// CPU kernels of the reductions: ReduceMean/Sum/Max/Min/Prod/L1/L2/SumSquare/LogSum/LogSumExp,
// ArgMax, ArgMin.
// Adjacent axes with the same reduced flag are merged first, so the common cases (global pools,
// last-axis reductions) run as a few long contiguous loops.
#include <cmath>
#include <limits>
#include <type_traits>

#include "backends/cpu/float16_via_float32.h"
#include "backends/cpu/integer_arithmetic.h"
#include "backends/cpu/kernels.h"
#include "ops/reduce_axes.h"

namespace fovea::cpu {
namespace {

enum class ReduceKind { kMean, kSum, kMax, kMin, kProd, kL1, kL2, kSumSquare, kLogSum, kLogSumExp };

// Floats accumulate in double, integers in 64 bits.
template <typename T>
using AccumOf = std::conditional_t<std::is_floating_point_v<T>, double,
                                   std::conditional_t<std::is_signed_v<T>, int64_t, uint64_t>>;

template <typename T, ReduceKind K>
struct Reducer {
  using Acc = std::conditional_t<K == ReduceKind::kMax || K == ReduceKind::kMin, T, AccumOf<T>>;
  static Acc init() {
    if constexpr (K == ReduceKind::kProd) return Acc(1);
    if constexpr (K == ReduceKind::kMax)
      return std::is_floating_point_v<T> ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::lowest();
    if constexpr (K == ReduceKind::kMin)
      return std::is_floating_point_v<T> ? std::numeric_limits<T>::infinity() : std::numeric_limits<T>::max();
    return Acc(0);
  }
  static Acc step(Acc acc, T v) {
    if constexpr (K == ReduceKind::kProd) return acc * Acc(v);
    if constexpr (K == ReduceKind::kMax) return (v > acc || v != v) ? v : acc;
    if constexpr (K == ReduceKind::kMin) return (v < acc || v != v) ? v : acc;
    if constexpr (K == ReduceKind::kL2 || K == ReduceKind::kSumSquare) return acc + Acc(v) * Acc(v);
    if constexpr (K == ReduceKind::kL1) return acc + (v < T(0) ? Acc(0) - Acc(v) : Acc(v));
    if constexpr (K == ReduceKind::kLogSumExp) return acc + static_cast<Acc>(std::exp(static_cast<double>(v)));
    return acc + Acc(v);
  }
  static T finish(Acc acc, int64_t count) {
    if constexpr (K == ReduceKind::kMean) {
      if (count == 0) return std::is_floating_point_v<T> ? T(NAN) : T(0);
      return static_cast<T>(acc / static_cast<Acc>(count));
    }
    // log(0) = -inf and huge sums do not fit integer outputs: saturate instead of UB.
    if constexpr (K == ReduceKind::kL2) return saturating_from_double<T>(std::sqrt(static_cast<double>(acc)));
    if constexpr (K == ReduceKind::kLogSum || K == ReduceKind::kLogSumExp)
      return saturating_from_double<T>(std::log(static_cast<double>(acc)));
    return static_cast<T>(acc);
  }
};

// Merges adjacent axes with the same flag; drops size-1 axes (they change nothing).
void merge_axes(const Dims& dims, const std::vector<bool>& reduced, Dims& mdims, std::vector<bool>& mred) {
  for (size_t d = 0; d < dims.size(); ++d) {
    if (dims[d] == 1) continue;
    if (!mdims.empty() && mred.back() == reduced[d]) {
      mdims.back() *= dims[d];
    } else {
      mdims.push_back(dims[d]);
      mred.push_back(reduced[d]);
    }
  }
  if (mdims.empty()) {
    mdims.push_back(1);
    mred.push_back(false);
  }
}

template <typename T, ReduceKind K>
void reduce_typed(const Tensor& in, Tensor& out, const std::vector<bool>& reduced) {
  using R = Reducer<T, K>;
  using Acc = typename R::Acc;
  Dims md;
  std::vector<bool> mr;
  merge_axes(in.dims(), reduced, md, mr);
  const int64_t out_count = out.numel();
  const int64_t count = out_count == 0 ? 0 : in.numel() / std::max<int64_t>(out_count, 1);
  std::vector<Acc> acc(static_cast<size_t>(out_count), R::init());
  const T* src = in.data<T>();
  const size_t rank = md.size();
  // Output strides over merged axes (0 on reduced ones).
  std::vector<int64_t> ostride(rank, 0);
  for (int64_t d = static_cast<int64_t>(rank) - 1, s = 1; d >= 0; --d)
    if (!mr[d]) {
      ostride[d] = s;
      s *= md[d];
    }
  if (in.numel() > 0) {
    std::vector<int64_t> idx(rank, 0);
    const int64_t inner = md[rank - 1];
    const bool inner_reduced = mr[rank - 1];
    int64_t i = 0;
    while (true) {
      int64_t o = 0;
      for (size_t d = 0; d + 1 < rank; ++d) o += idx[d] * ostride[d];
      if (inner_reduced) {
        Acc a = acc[o];
        for (int64_t k = 0; k < inner; ++k) a = R::step(a, src[i + k]);
        acc[o] = a;
      } else {
        for (int64_t k = 0; k < inner; ++k) acc[o + k] = R::step(acc[o + k], src[i + k]);
      }
      i += inner;
      int64_t d = static_cast<int64_t>(rank) - 2;
      for (; d >= 0; --d) {
        if (++idx[d] < md[d]) break;
        idx[d] = 0;
      }
      if (d < 0) break;
    }
  }
  T* dst = out.data<T>();
  for (int64_t o = 0; o < out_count; ++o) dst[o] = R::finish(acc[o], count);
}

template <ReduceKind K>
Status run_reduce(CpuKernelContext& ctx) {
  if (has_float16_input(ctx)) return run_float16_via_float32(ctx, run_reduce<K>);  // reduces in float32
  const Tensor& in = ctx.input(0);
  FOVEA_ASSIGN_OR_RETURN(auto axes, resolve_reduce_axes(ctx.node(), ctx.opset(), static_cast<int64_t>(in.rank()),
                                                        ctx.has_input(1), ctx.has_input(1) ? &ctx.input(1) : nullptr));
  if (!axes) return internal_error("{}: reduce axes unknown at run time", ctx.node().describe());
  if (axes->identity) {
    ctx.output(0) = in;
    return Status::ok();
  }
  FOVEA_SWITCH_NUMERIC(in.dtype(), T, {
    reduce_typed<T, K>(in, ctx.output(0), axes->reduced);
    return Status::ok();
  });
  return ctx.unsupported_dtype(0);
}

template <typename T, bool kMax>
void arg_reduce_typed(const Tensor& in, Tensor& out, size_t axis, bool last) {
  int64_t outer = 1, inner = 1;
  for (size_t d = 0; d < axis; ++d) outer *= in.dim(d);
  for (size_t d = axis + 1; d < in.rank(); ++d) inner *= in.dim(d);
  const int64_t n = in.dim(axis);
  const T* src = in.data<T>();
  int64_t* dst = out.data<int64_t>();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < inner; ++j) {
      const T* p = src + o * n * inner + j;
      int64_t best = 0;
      for (int64_t k = 1; k < n; ++k) {
        const T v = p[k * inner], b = p[best * inner];
        const bool better = kMax ? (last ? v >= b : v > b) : (last ? v <= b : v < b);
        if (better) best = k;
      }
      dst[o * inner + j] = best;
    }
}

template <bool kMax>
Status run_arg_reduce(CpuKernelContext& ctx) {
  if (has_float16_input(ctx)) return run_float16_via_float32(ctx, run_arg_reduce<kMax>);  // compares in float32
  const Tensor& in = ctx.input(0);
  FOVEA_ASSIGN_OR_RETURN(ReduceAxes axes, resolve_arg_reduce_axis(ctx.node(), static_cast<int64_t>(in.rank())));
  FOVEA_ASSIGN_OR_RETURN(int64_t last, ctx.node().attr_int("select_last_index", 0));
  size_t axis = 0;
  while (!axes.reduced[axis]) ++axis;
  FOVEA_SWITCH_NUMERIC(in.dtype(), T, {
    arg_reduce_typed<T, kMax>(in, ctx.output(0), axis, last == 1);
    return Status::ok();
  });
  return ctx.unsupported_dtype(0);
}

}  // namespace

Status run_reduce_mean(CpuKernelContext& ctx) { return run_reduce<ReduceKind::kMean>(ctx); }
Status run_reduce_sum(CpuKernelContext& ctx) { return run_reduce<ReduceKind::kSum>(ctx); }
Status run_reduce_max(CpuKernelContext& ctx) { return run_reduce<ReduceKind::kMax>(ctx); }
Status run_reduce_min(CpuKernelContext& ctx) { return run_reduce<ReduceKind::kMin>(ctx); }
Status run_reduce_prod(CpuKernelContext& ctx) { return run_reduce<ReduceKind::kProd>(ctx); }
Status run_reduce_l2(CpuKernelContext& ctx) { return run_reduce<ReduceKind::kL2>(ctx); }
Status run_reduce_sum_square(CpuKernelContext& ctx) { return run_reduce<ReduceKind::kSumSquare>(ctx); }
Status run_reduce_l1(CpuKernelContext& ctx) { return run_reduce<ReduceKind::kL1>(ctx); }
Status run_reduce_log_sum(CpuKernelContext& ctx) { return run_reduce<ReduceKind::kLogSum>(ctx); }
Status run_reduce_log_sum_exp(CpuKernelContext& ctx) { return run_reduce<ReduceKind::kLogSumExp>(ctx); }
Status run_arg_max(CpuKernelContext& ctx) { return run_arg_reduce<true>(ctx); }
Status run_arg_min(CpuKernelContext& ctx) { return run_arg_reduce<false>(ctx); }

}  // namespace fovea::cpu
