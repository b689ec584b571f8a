// MatMul (numpy batched broadcasting) and Gemm. Float types go through OpenBLAS; integer types
// use a plain loop (ONNX allows them, they are rare and small).
#include <vector>

#include "backends/cpu/blas_gemm.h"
#include "backends/cpu/float16_via_float32.h"
#include "backends/cpu/kernels.h"

namespace fovea::cpu {
namespace {

// C[m x n] = alpha * op(A) * op(B) + beta * C, row-major with leading dims.
template <typename T>
void gemm_any(bool ta, bool tb, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda, const T* b,
              int64_t ldb, T beta, T* c, int64_t ldc) {
  if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
    if (m > 0 && n > 0) blas_gemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  } else {
#pragma omp parallel for schedule(static)
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < n; ++j) {
        T acc = 0;
        for (int64_t p = 0; p < k; ++p) acc += (ta ? a[p * lda + i] : a[i * lda + p]) * (tb ? b[j * ldb + p] : b[p * ldb + j]);
        c[i * ldc + j] = alpha * acc + beta * c[i * ldc + j];
      }
    }
  }
}

template <typename T>
Status mat_mul(CpuKernelContext& ctx) {
  const Tensor& at = ctx.input(0);
  const Tensor& bt = ctx.input(1);
  Tensor& yt = ctx.output(0);
  Dims a = at.dims(), b = bt.dims();
  if (a.size() == 1) a.insert(a.begin(), 1);
  if (b.size() == 1) b.push_back(1);
  const int64_t m = a[a.size() - 2], k = a.back(), n = b.back();
  const Dims a_batch(a.begin(), a.end() - 2), b_batch(b.begin(), b.end() - 2);
  const size_t rank = std::max(a_batch.size(), b_batch.size());
  Dims out_batch(rank), a_stride(rank, 0), b_stride(rank, 0);
  // Batch strides (in matrices) of A and B over the broadcast batch dims; 0 where broadcast.
  int64_t sa = 1, sb = 1;
  for (size_t i = rank; i-- > 0;) {
    const int64_t da = i < rank - a_batch.size() ? 1 : a_batch[i - (rank - a_batch.size())];
    const int64_t db = i < rank - b_batch.size() ? 1 : b_batch[i - (rank - b_batch.size())];
    out_batch[i] = da == 1 ? db : da;
    a_stride[i] = da == 1 ? 0 : sa;
    b_stride[i] = db == 1 ? 0 : sb;
    sa *= da;
    sb *= db;
  }
  const int64_t batches = element_count(out_batch);
  const T* ap = at.data<T>();
  const T* bp = bt.data<T>();
  T* yp = yt.data<T>();
  if (yt.numel() == 0) return Status::ok();
  // B shared by every batch and A contiguous: one GEMM with the batches stacked along M.
  if (sb == 1 && sa == batches) {
    gemm_any<T>(false, false, batches * m, n, k, T(1), ap, k, bp, n, T(0), yp, n);
    return Status::ok();
  }
  std::vector<int64_t> idx(rank, 0);
  for (int64_t bi = 0; bi < batches; ++bi) {
    int64_t ao = 0, bo = 0;
    for (size_t i = 0; i < rank; ++i) ao += idx[i] * a_stride[i], bo += idx[i] * b_stride[i];
    gemm_any<T>(false, false, m, n, k, T(1), ap + ao * m * k, k, bp + bo * k * n, n, T(0), yp + bi * m * n, n);
    for (size_t i = rank; i-- > 0;) {
      if (++idx[i] < out_batch[i]) break;
      idx[i] = 0;
    }
  }
  return Status::ok();
}

template <typename T>
Status gemm(CpuKernelContext& ctx) {
  const Tensor& at = ctx.input(0);
  const Tensor& bt = ctx.input(1);
  Tensor& yt = ctx.output(0);
  FOVEA_ASSIGN_OR_RETURN(int64_t trans_a, ctx.node().attr_int("transA", 0));
  FOVEA_ASSIGN_OR_RETURN(int64_t trans_b, ctx.node().attr_int("transB", 0));
  FOVEA_ASSIGN_OR_RETURN(float alpha, ctx.node().attr_float("alpha", 1.0f));
  FOVEA_ASSIGN_OR_RETURN(float beta, ctx.node().attr_float("beta", 1.0f));
  const int64_t m = yt.dim(0), n = yt.dim(1);
  const int64_t k = trans_a ? at.dim(0) : at.dim(1);
  T* y = yt.data<T>();
  T gemm_beta = T(0);
  if (ctx.has_input(2) && beta != 0.0f) {
    // Y starts as beta * C broadcast to [M, N]; the GEMM then accumulates into it.
    const Tensor& ct = ctx.input(2);
    const int64_t cr = ct.rank() == 2 ? ct.dim(0) : 1;
    const int64_t cc = ct.rank() >= 1 ? ct.dim(ct.rank() - 1) : 1;
    const T* c = ct.data<T>();
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j)
        y[i * n + j] = static_cast<T>(beta) * c[(cr == 1 ? 0 : i) * cc + (cc == 1 ? 0 : j)];
    gemm_beta = T(1);
  }
  if (k == 0) return Status::ok();
  gemm_any<T>(trans_a != 0, trans_b != 0, m, n, k, static_cast<T>(alpha), at.data<T>(), at.dim(1), bt.data<T>(),
              bt.dim(1), gemm_beta, y, n);
  return Status::ok();
}

}  // namespace

#define FOVEA_SWITCH_MATMUL(DTYPE, T, ...)              \
  switch (DTYPE) {                                      \
    FOVEA_DTYPE_CASE(kFloat32, float, T, __VA_ARGS__)   \
    FOVEA_DTYPE_CASE(kFloat64, double, T, __VA_ARGS__)  \
    FOVEA_DTYPE_CASE(kInt32, int32_t, T, __VA_ARGS__)   \
    FOVEA_DTYPE_CASE(kInt64, int64_t, T, __VA_ARGS__)   \
    FOVEA_DTYPE_CASE(kUInt32, uint32_t, T, __VA_ARGS__) \
    FOVEA_DTYPE_CASE(kUInt64, uint64_t, T, __VA_ARGS__) \
    default: break;                                     \
  }

Status run_mat_mul(CpuKernelContext& ctx) {
  if (has_float16_input(ctx)) return run_float16_via_float32(ctx, run_mat_mul);  // computes in float32
  FOVEA_SWITCH_MATMUL(ctx.input(0).dtype(), T, { return mat_mul<T>(ctx); });
  return ctx.unsupported_dtype(0);
}

Status run_gemm(CpuKernelContext& ctx) {
  if (has_float16_input(ctx)) return run_float16_via_float32(ctx, run_gemm);  // computes in float32
  FOVEA_SWITCH_MATMUL(ctx.input(0).dtype(), T, { return gemm<T>(ctx); });
  return ctx.unsupported_dtype(0);
}

}  // namespace fovea::cpu
