// Row-major GEMM through OpenBLAS for float and double: C = alpha * op(A) * op(B) + beta * C.
// OpenBLAS runs single-threaded and the OpenMP pool splits the GEMM into column (or row) blocks:
// one thread pool for the whole CPU backend, so BLAS threads never compete with spinning OpenMP
// workers (which made convolutions several times slower on a 2-core machine).
#pragma once

#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <cstdint>

namespace fovea::cpu {

// Makes OpenBLAS single-threaded, once (thread-safe static initialization).
inline void use_single_threaded_openblas() {
  static const bool once = (openblas_set_num_threads(1), true);
  (void)once;
}

inline void blas_gemm_serial(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                             int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  use_single_threaded_openblas();
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, static_cast<blasint>(m),
              static_cast<blasint>(n), static_cast<blasint>(k), alpha, a, static_cast<blasint>(lda), b,
              static_cast<blasint>(ldb), beta, c, static_cast<blasint>(ldc));
}

inline void blas_gemm_serial(bool ta, bool tb, int64_t m, int64_t n, int64_t k, double alpha, const double* a,
                             int64_t lda, const double* b, int64_t ldb, double beta, double* c, int64_t ldc) {
  use_single_threaded_openblas();
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, static_cast<blasint>(m),
              static_cast<blasint>(n), static_cast<blasint>(k), alpha, a, static_cast<blasint>(lda), b,
              static_cast<blasint>(ldb), beta, c, static_cast<blasint>(ldc));
}

template <typename T>
void blas_gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda, const T* b,
               int64_t ldb, T beta, T* c, int64_t ldc) {
  const int threads = omp_in_parallel() ? 1 : omp_get_max_threads();
  if (threads <= 1 || m * n * k < (int64_t{1} << 18)) {
    blas_gemm_serial(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return;
  }
  const bool split_n = n >= m;
  const int64_t extent = split_n ? n : m;
  // Blocks of a multiple of 16 columns/rows keep the BLAS micro-kernels on full tiles.
  const int64_t block = std::max<int64_t>(16, (extent / threads + 15) / 16 * 16);
  const int64_t blocks = (extent + block - 1) / block;
#pragma omp parallel for schedule(static) num_threads(threads)
  for (int64_t bi = 0; bi < blocks; ++bi) {
    const int64_t lo = bi * block, len = std::min(block, extent - lo);
    if (split_n)
      blas_gemm_serial(ta, tb, m, len, k, alpha, a, lda, tb ? b + lo * ldb : b + lo, ldb, beta, c + lo, ldc);
    else
      blas_gemm_serial(ta, tb, len, n, k, alpha, ta ? a + lo : a + lo * lda, lda, b, ldb, beta, c + lo * ldc, ldc);
  }
}

}  // namespace fovea::cpu
