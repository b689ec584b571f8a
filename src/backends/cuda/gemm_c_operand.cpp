#include "backends/cuda/gemm_c_operand.h"

namespace fovea::cuda {

Result<GemmCPlan> plan_gemm_c(bool has_c, const Dims& c, int64_t m, int64_t n, float beta) {
  GemmCPlan p;
  if (!has_c || beta == 0.0f) return p;
  if (c.size() > 2) return invalid_argument("C has rank {}, at most 2 is allowed", c.size());
  const int64_t rows = c.size() == 2 ? c[0] : 1;
  const int64_t cols = c.empty() ? 1 : c.back();
  if ((rows != 1 && rows != m) || (cols != 1 && cols != n))
    return invalid_argument("C of dims {} does not broadcast to [{}, {}]", dims_to_string(c), m, n);
  if (rows == m && cols == n) {
    p.mode = GemmCMode::kMatrix;
  } else if (rows == 1 && cols == n && beta == 1.0f) {
    p.mode = GemmCMode::kRowBias;
  } else {
    p.mode = GemmCMode::kEpilogue;
    p.row_stride = rows == 1 ? 0 : cols;
    p.col_stride = cols == 1 ? 0 : 1;
  }
  return p;
}

}  // namespace fovea::cuda
