// CPU iteration for elementwise ops: flat maps and ONNX multidirectional broadcasting.
// Same-shape and scalar operands take a single flat loop the compiler can vectorize; other
// broadcasts are collapsed to as few dims as possible and walked as rows whose innermost
// stride is 0 or 1 for each operand, so the inner loop stays tight. Large loops use OpenMP.
#pragma once

#include <omp.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "core/shape.h"
#include "core/tensor.h"

namespace fovea::cpu {

// Below this many elements a loop runs on one thread: thread start-up would cost more.
inline constexpr int64_t kParallelMinElements = 1 << 15;

inline bool worth_parallel(int64_t n) { return n >= kParallelMinElements && omp_get_max_threads() > 1; }

// out[i] = op(in[i]) over n elements.
template <typename Out, typename In, typename Op>
void unary_map(const In* in, Out* out, int64_t n, Op op) {
#pragma omp parallel for schedule(static) if (worth_parallel(n))
  for (int64_t i = 0; i < n; ++i) out[i] = op(in[i]);
}

// Broadcast of N operands onto an output, collapsed: `outer` dims walked by rows, then one
// innermost dim of `inner` elements that each operand reads with stride 0 or 1.
template <size_t N>
struct BroadcastRows {
  std::vector<int64_t> outer;                         // collapsed outer dims
  std::array<std::vector<int64_t>, N> outer_strides;  // per operand, in elements
  int64_t inner = 1;
  std::array<int64_t, N> inner_stride{};              // 0 (broadcast) or 1
  int64_t rows = 1;
};

// Plans the broadcast of operands with dims `ins` onto `out` (already validated by the shape
// function: every operand dim is 1 or equal to the output's, right-aligned).
template <size_t N>
BroadcastRows<N> plan_broadcast_rows(const Dims& out, const std::array<const Dims*, N>& ins) {
  const size_t rank = out.size();
  // Per-operand strides aligned to the output rank; 0 where the operand is broadcast.
  std::vector<int64_t> dims;
  std::array<std::vector<int64_t>, N> strides;
  std::array<std::vector<int64_t>, N> full;
  for (size_t k = 0; k < N; ++k) {
    const Dims& d = *ins[k];
    full[k].assign(rank, 0);
    int64_t s = 1;
    for (size_t i = d.size(); i-- > 0;) {
      const size_t o = rank - d.size() + i;
      full[k][o] = d[i] == 1 ? 0 : s;
      s *= d[i];
    }
  }
  // Drop size-1 output dims, merging each dim into the previous kept one when every operand
  // reads the pair contiguously (stride[i] == stride[i+1] * dim[i+1]).
  for (size_t i = 0; i < rank; ++i) {
    if (out[i] == 1) continue;
    bool merge = !dims.empty();
    for (size_t k = 0; k < N && merge; ++k) merge = strides[k].back() == full[k][i] * out[i];
    if (merge) {
      dims.back() *= out[i];
      for (size_t k = 0; k < N; ++k) strides[k].back() = full[k][i];
    } else {
      dims.push_back(out[i]);
      for (size_t k = 0; k < N; ++k) strides[k].push_back(full[k][i]);
    }
  }
  BroadcastRows<N> plan;
  if (dims.empty()) return plan;  // a single element
  plan.inner = dims.back();
  for (size_t k = 0; k < N; ++k) plan.inner_stride[k] = strides[k].back() == 0 ? 0 : 1;
  dims.pop_back();
  plan.outer = dims;
  for (size_t k = 0; k < N; ++k) {
    strides[k].pop_back();
    plan.outer_strides[k] = strides[k];
  }
  for (int64_t d : plan.outer) plan.rows *= d;
  return plan;
}

// Calls row(out_offset, in_offsets, length) for every innermost row segment of the plan. Rows
// are split into segments when there are too few rows to keep every thread busy. Each thread
// walks a contiguous range of segments, advancing the operand offsets like an odometer.
template <size_t N, typename RowFn>
void for_each_broadcast_row(const BroadcastRows<N>& p, RowFn&& row) {
  const int64_t total = p.rows * p.inner;
  if (total == 0) return;
  const bool parallel = worth_parallel(total);
  int64_t seg = p.inner;
  if (parallel) {
    const int64_t want_tasks = 4 * static_cast<int64_t>(omp_get_max_threads());
    if (p.rows < want_tasks) {
      const int64_t per_row = (want_tasks + p.rows - 1) / p.rows;
      seg = std::max<int64_t>(4096, (p.inner + per_row - 1) / per_row);
      seg = std::min(seg, p.inner);
    }
  }
  const int64_t segs_per_row = (p.inner + seg - 1) / seg;
  const int64_t tasks = p.rows * segs_per_row;
  const size_t outer_rank = p.outer.size();
#pragma omp parallel if (parallel)
  {
    const int64_t nt = omp_get_num_threads(), t = omp_get_thread_num();
    const int64_t begin = tasks * t / nt, end = tasks * (t + 1) / nt;
    if (begin < end) {
      int64_t r = begin / segs_per_row, s = begin % segs_per_row;
      std::vector<int64_t> idx(outer_rank);
      std::array<int64_t, N> off{};
      int64_t rem = r;
      for (size_t d = outer_rank; d-- > 0;) {
        idx[d] = rem % p.outer[d];
        rem /= p.outer[d];
        for (size_t k = 0; k < N; ++k) off[k] += idx[d] * p.outer_strides[k][d];
      }
      for (int64_t task = begin; task < end; ++task) {
        const int64_t start = s * seg;
        const int64_t len = std::min(seg, p.inner - start);
        std::array<int64_t, N> in_off;
        for (size_t k = 0; k < N; ++k) in_off[k] = off[k] + start * p.inner_stride[k];
        row(r * p.inner + start, in_off, len);
        if (++s == segs_per_row) {
          s = 0;
          ++r;
          for (size_t d = outer_rank; d-- > 0;) {
            ++idx[d];
            for (size_t k = 0; k < N; ++k) off[k] += p.outer_strides[k][d];
            if (idx[d] < p.outer[d]) break;
            for (size_t k = 0; k < N; ++k) off[k] -= p.outer_strides[k][d] * p.outer[d];
            idx[d] = 0;
          }
        }
      }
    }
  }
}

// out = op(a, b) with broadcasting; out's dims are the broadcast of a's and b's. `out` may
// alias `a` when a has out's dims (used to fold variadic ops).
template <typename Out, typename A, typename B, typename Op>
void broadcast_binary(const Tensor& a, const Tensor& b, Tensor& out, Op op) {
  const A* pa = a.data<A>();
  const B* pb = b.data<B>();
  Out* po = out.data<Out>();
  const int64_t n = out.numel();
  const bool a_full = a.dims() == out.dims(), b_full = b.dims() == out.dims();
  if (a_full && b_full) {
#pragma omp parallel for schedule(static) if (worth_parallel(n))
    for (int64_t i = 0; i < n; ++i) po[i] = op(pa[i], pb[i]);
    return;
  }
  if (a_full && b.numel() == 1) {
    const B bv = pb[0];
#pragma omp parallel for schedule(static) if (worth_parallel(n))
    for (int64_t i = 0; i < n; ++i) po[i] = op(pa[i], bv);
    return;
  }
  if (b_full && a.numel() == 1) {
    const A av = pa[0];
#pragma omp parallel for schedule(static) if (worth_parallel(n))
    for (int64_t i = 0; i < n; ++i) po[i] = op(av, pb[i]);
    return;
  }
  const BroadcastRows<2> plan = plan_broadcast_rows<2>(out.dims(), {&a.dims(), &b.dims()});
  const bool sa = plan.inner_stride[0] != 0, sb = plan.inner_stride[1] != 0;
  for_each_broadcast_row(plan, [&](int64_t o, const std::array<int64_t, 2>& in, int64_t len) {
    Out* dst = po + o;
    const A* x = pa + in[0];
    const B* y = pb + in[1];
    if (sa && sb) {
      for (int64_t i = 0; i < len; ++i) dst[i] = op(x[i], y[i]);
    } else if (sa) {
      const B yv = *y;
      for (int64_t i = 0; i < len; ++i) dst[i] = op(x[i], yv);
    } else if (sb) {
      const A xv = *x;
      for (int64_t i = 0; i < len; ++i) dst[i] = op(xv, y[i]);
    } else {
      const Out v = op(*x, *y);
      for (int64_t i = 0; i < len; ++i) dst[i] = v;
    }
  });
}

// out = op(a, b, c) with broadcasting (Where); a plain strided inner loop.
template <typename Out, typename A, typename B, typename C, typename Op>
void broadcast_ternary(const Tensor& a, const Tensor& b, const Tensor& c, Tensor& out, Op op) {
  const A* pa = a.data<A>();
  const B* pb = b.data<B>();
  const C* pc = c.data<C>();
  Out* po = out.data<Out>();
  const BroadcastRows<3> plan = plan_broadcast_rows<3>(out.dims(), {&a.dims(), &b.dims(), &c.dims()});
  const std::array<int64_t, 3> st = plan.inner_stride;
  for_each_broadcast_row(plan, [&](int64_t o, const std::array<int64_t, 3>& in, int64_t len) {
    for (int64_t i = 0; i < len; ++i) po[o + i] = op(pa[in[0] + i * st[0]], pb[in[1] + i * st[1]], pc[in[2] + i * st[2]]);
  });
}

}  // namespace fovea::cpu
