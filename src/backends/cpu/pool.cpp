// MaxPool (with optional Indices), AveragePool, GlobalAveragePool, GlobalMaxPool. 1-D and 2-D
// pooling run as 3-D with unit leading dims; planes (n, c) are processed in parallel.
#include <algorithm>
#include <limits>
#include <vector>

#include "backends/cpu/float16_via_float32.h"
#include "backends/cpu/kernels.h"
#include "ops/conv_params.h"

namespace fovea::cpu {
namespace {

// A pooling window geometry padded to 3 spatial dims (leading dims of size 1).
struct Pool3 {
  int64_t in[3], out[3], k[3], s[3], d[3], pb[3], pe[3];
};

Result<Pool3> pool_geometry(CpuKernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const int64_t r = static_cast<int64_t>(x.rank()) - 2;
  FOVEA_ASSIGN_OR_RETURN(WindowAttrs a, parse_window_attrs(ctx.node(), WindowKind::kPool, r, {}));
  const Dims in(x.dims().begin() + 2, x.dims().end());
  FOVEA_ASSIGN_OR_RETURN(ResolvedWindow w, resolve_window(ctx.node(), WindowKind::kPool, a, in));
  Pool3 p;
  for (int64_t i = 0; i < 3; ++i) {
    const int64_t j = i - (3 - r);
    const bool real = j >= 0;
    p.in[i] = real ? in[j] : 1;
    p.out[i] = real ? w.out[j] : 1;
    p.k[i] = real ? a.kernel[j] : 1;
    p.s[i] = real ? a.strides[j] : 1;
    p.d[i] = real ? a.dilations[j] : 1;
    p.pb[i] = real ? w.pads[j] : 0;
    p.pe[i] = real ? w.pads[j + r] : 0;
  }
  return p;
}

// The window taps [kb, ke) along one dim whose positions start + k * d fall in [lo, hi).
// Computed in O(1): a hostile kernel_shape (up to 2^24 with SAME padding) must not make every
// output loop over taps that all miss the input.
struct TapRange {
  int64_t kb, ke;
};
inline TapRange taps_in(int64_t start, int64_t k, int64_t d, int64_t lo, int64_t hi) {
  auto ceil_div = [](int64_t a, int64_t b) { return a <= 0 ? 0 : (a + b - 1) / b; };
  const int64_t kb = std::min(k, ceil_div(lo - start, d));
  const int64_t ke = std::min(k, ceil_div(hi - start, d));
  return {kb, std::max(kb, ke)};
}
inline int64_t count_in(int64_t start, int64_t k, int64_t d, int64_t lo, int64_t hi) {
  const TapRange t = taps_in(start, k, d, lo, hi);
  return t.ke - t.kb;
}

template <typename T>
void max_pool(const T* x, T* y, int64_t* indices, int64_t planes, const Pool3& p, bool col_major) {
  const int64_t in_size = p.in[0] * p.in[1] * p.in[2];
  const int64_t out_size = p.out[0] * p.out[1] * p.out[2];
#pragma omp parallel for schedule(static)
  for (int64_t pl = 0; pl < planes; ++pl) {
    const T* xp = x + pl * in_size;
    for (int64_t o0 = 0; o0 < p.out[0]; ++o0)
      for (int64_t o1 = 0; o1 < p.out[1]; ++o1)
        for (int64_t o2 = 0; o2 < p.out[2]; ++o2) {
          T best = std::numeric_limits<T>::lowest();
          int64_t best_at[3] = {-1, -1, -1};
          const int64_t st[3] = {o0 * p.s[0] - p.pb[0], o1 * p.s[1] - p.pb[1], o2 * p.s[2] - p.pb[2]};
          TapRange t[3];
          for (int i = 0; i < 3; ++i) t[i] = taps_in(st[i], p.k[i], p.d[i], 0, p.in[i]);
          for (int64_t k0 = t[0].kb; k0 < t[0].ke; ++k0) {
            const int64_t i0 = st[0] + k0 * p.d[0];
            for (int64_t k1 = t[1].kb; k1 < t[1].ke; ++k1) {
              const int64_t i1 = st[1] + k1 * p.d[1];
              for (int64_t k2 = t[2].kb; k2 < t[2].ke; ++k2) {
                const int64_t i2 = st[2] + k2 * p.d[2];
                const T v = xp[(i0 * p.in[1] + i1) * p.in[2] + i2];
                if (best_at[0] < 0 || v > best) best = v, best_at[0] = i0, best_at[1] = i1, best_at[2] = i2;
              }
            }
          }
          const int64_t oi = (o0 * p.out[1] + o1) * p.out[2] + o2;
          y[pl * out_size + oi] = best;
          if (indices) {
            // Row-major flat index; storage_order=1 counts the spatial dims in column-major order.
            int64_t flat = (best_at[0] * p.in[1] + best_at[1]) * p.in[2] + best_at[2];
            if (col_major) flat = best_at[0] + p.in[0] * (best_at[1] + p.in[1] * best_at[2]);
            if (best_at[0] < 0) flat = -1;
            indices[pl * out_size + oi] = pl * in_size + flat;
          }
        }
  }
}

template <typename T>
void average_pool(const T* x, T* y, int64_t planes, const Pool3& p, bool count_include_pad) {
  const int64_t in_size = p.in[0] * p.in[1] * p.in[2];
  const int64_t out_size = p.out[0] * p.out[1] * p.out[2];
#pragma omp parallel for schedule(static)
  for (int64_t pl = 0; pl < planes; ++pl) {
    const T* xp = x + pl * in_size;
    for (int64_t o0 = 0; o0 < p.out[0]; ++o0)
      for (int64_t o1 = 0; o1 < p.out[1]; ++o1)
        for (int64_t o2 = 0; o2 < p.out[2]; ++o2) {
          const int64_t st[3] = {o0 * p.s[0] - p.pb[0], o1 * p.s[1] - p.pb[1], o2 * p.s[2] - p.pb[2]};
          TapRange t[3];
          for (int i = 0; i < 3; ++i) t[i] = taps_in(st[i], p.k[i], p.d[i], 0, p.in[i]);
          T sum = 0;
          for (int64_t k0 = t[0].kb; k0 < t[0].ke; ++k0) {
            const int64_t i0 = st[0] + k0 * p.d[0];
            for (int64_t k1 = t[1].kb; k1 < t[1].ke; ++k1) {
              const int64_t i1 = st[1] + k1 * p.d[1];
              for (int64_t k2 = t[2].kb; k2 < t[2].ke; ++k2)
                sum += xp[(i0 * p.in[1] + i1) * p.in[2] + st[2] + k2 * p.d[2]];
            }
          }
          // Padded positions count when count_include_pad is set, positions past the end pads never.
          int64_t count = 1;
          for (int i = 0; i < 3; ++i)
            count *= count_include_pad ? count_in(st[i], p.k[i], p.d[i], -p.pb[i], p.in[i] + p.pe[i])
                                       : count_in(st[i], p.k[i], p.d[i], 0, p.in[i]);
          y[pl * out_size + (o0 * p.out[1] + o1) * p.out[2] + o2] = count > 0 ? sum / static_cast<T>(count) : T(0);
        }
  }
}

template <typename T>
void global_pool(const T* x, T* y, int64_t planes, int64_t size, bool is_max) {
#pragma omp parallel for schedule(static)
  for (int64_t pl = 0; pl < planes; ++pl) {
    const T* xp = x + pl * size;
    T acc = is_max ? std::numeric_limits<T>::lowest() : T(0);
    for (int64_t i = 0; i < size; ++i) acc = is_max ? (xp[i] > acc ? xp[i] : acc) : acc + xp[i];
    y[pl] = is_max ? acc : (size > 0 ? acc / static_cast<T>(size) : T(0));
  }
}

Status run_global(CpuKernelContext& ctx, bool is_max) {
  const Tensor& x = ctx.input(0);
  const int64_t planes = x.dim(0) * x.dim(1);
  const int64_t size = planes > 0 ? x.numel() / planes : 0;
  FOVEA_SWITCH_FLOAT(x.dtype(), T, {
    global_pool(x.data<T>(), ctx.output(0).data<T>(), planes, size, is_max);
    return Status::ok();
  });
  return ctx.unsupported_dtype(0);
}

}  // namespace

Status run_max_pool(CpuKernelContext& ctx) {
  if (has_float16_input(ctx)) return run_float16_via_float32(ctx, run_max_pool);  // computes in float32
  const Tensor& x = ctx.input(0);
  FOVEA_ASSIGN_OR_RETURN(Pool3 p, pool_geometry(ctx));
  FOVEA_ASSIGN_OR_RETURN(int64_t storage_order, ctx.node().attr_int("storage_order", 0));
  int64_t* indices = ctx.has_output(1) ? ctx.output(1).data<int64_t>() : nullptr;
  const int64_t planes = x.dim(0) * x.dim(1);
  switch (x.dtype()) {
    case DType::kFloat32: max_pool(x.data<float>(), ctx.output(0).data<float>(), indices, planes, p, storage_order == 1); break;
    case DType::kFloat64: max_pool(x.data<double>(), ctx.output(0).data<double>(), indices, planes, p, storage_order == 1); break;
    case DType::kInt8: max_pool(x.data<int8_t>(), ctx.output(0).data<int8_t>(), indices, planes, p, storage_order == 1); break;
    case DType::kUInt8: max_pool(x.data<uint8_t>(), ctx.output(0).data<uint8_t>(), indices, planes, p, storage_order == 1); break;
    default: return ctx.unsupported_dtype(0);
  }
  return Status::ok();
}

Status run_average_pool(CpuKernelContext& ctx) {
  if (has_float16_input(ctx)) return run_float16_via_float32(ctx, run_average_pool);  // computes in float32
  const Tensor& x = ctx.input(0);
  FOVEA_ASSIGN_OR_RETURN(Pool3 p, pool_geometry(ctx));
  FOVEA_ASSIGN_OR_RETURN(int64_t include_pad, ctx.node().attr_int("count_include_pad", 0));
  FOVEA_SWITCH_FLOAT(x.dtype(), T, {
    average_pool(x.data<T>(), ctx.output(0).data<T>(), x.dim(0) * x.dim(1), p, include_pad != 0);
    return Status::ok();
  });
  return ctx.unsupported_dtype(0);
}

Status run_global_average_pool(CpuKernelContext& ctx) {
  if (has_float16_input(ctx)) return run_float16_via_float32(ctx, run_global_average_pool);  // computes in float32
  return run_global(ctx, false);
}
Status run_global_max_pool(CpuKernelContext& ctx) {
  if (has_float16_input(ctx)) return run_float16_via_float32(ctx, run_global_max_pool);  // computes in float32
  return run_global(ctx, true);
}

}  // namespace fovea::cpu
