// One cuBLASLt matmul configuration (operation descriptor, matrix layouts, heuristic query, the
// call) for the row-major tensors of Gemm / MatMul. cuBLASLt is column-major, so the row-major
// D = op(A) * op(B) is computed as the column-major D^T = op(B)^T * op(A)^T: cuBLASLt's "A" is
// our B and its "B" our A, and its bias epilogue (one value per row of its D) is a bias over N.
#pragma once

#include <cublasLt.h>

#include <cstdint>
#include <vector>

#include "core/dtype.h"
#include "core/status.h"

namespace fovea::cuda {

// D[b] (m x n, row-major) = alpha * op(A[b]) * op(B[b]) + beta * C (+ bias[n]) (Relu), b < batch.
struct LtMatmulShape {
  DType dtype = DType::kFloat32;  // A, B, C, D and bias; kFloat32 or kFloat16; float accumulation
  int64_t m = 0, n = 0, k = 0;
  bool trans_a = false, trans_b = false;  // A stored [k, m] / B stored [n, k]
  int64_t batch = 1;
  int64_t a_batch_stride = 0, b_batch_stride = 0;  // elements; 0 broadcasts
  bool with_c = false;     // C is a separate [m, n] matrix (batch 1 only)
  bool with_bias = false;  // bias epilogue over n
  bool relu = false;       // Relu after bias / C
  // Byte alignment (power of two <= 256) of every pointer the calls will pass, for the heuristics.
  uint32_t align_a = 256, align_b = 256, align_c = 256, align_d = 256;

  bool operator==(const LtMatmulShape&) const = default;
};

// The largest power of two <= 256 dividing `address` (256 for null).
uint32_t pointer_alignment(const void* address);

class LtMatmul {
 public:
  LtMatmul() = default;
  LtMatmul(const LtMatmul&) = delete;
  LtMatmul& operator=(const LtMatmul&) = delete;
  ~LtMatmul();

  Status set(const LtMatmulShape& shape);
  const LtMatmulShape& shape() const { return shape_; }

  // Up to `count` algorithms from cublasLtMatmulAlgoGetHeuristic, best first, each needing at
  // most `max_workspace` bytes. `bias` is the bias pointer the runs will use (its alignment
  // matters to the heuristics). Empty when cuBLASLt has none for this problem.
  Result<std::vector<cublasLtMatmulHeuristicResult_t>> heuristics(cublasLtHandle_t handle, size_t max_workspace,
                                                                  const void* bias, int count);

  // Enqueues one call. c: the C matrix when shape().with_c, else ignored (D is passed).
  Status run(cublasLtHandle_t handle, const cublasLtMatmulAlgo_t& algo, float alpha, float beta, const void* a,
             const void* b, const void* c, void* d, const void* bias, void* workspace, size_t workspace_bytes,
             cudaStream_t stream);

 private:
  LtMatmulShape shape_;
  cublasLtMatmulDesc_t desc_ = nullptr;
  cublasLtMatrixLayout_t lt_a_ = nullptr;  // our B
  cublasLtMatrixLayout_t lt_b_ = nullptr;  // our A
  cublasLtMatrixLayout_t lt_c_ = nullptr;
  cublasLtMatrixLayout_t lt_d_ = nullptr;
  void destroy();
};

}  // namespace fovea::cuda
