// How Gemm's beta * C reaches the output: as cuBLASLt's C matrix, as its bias epilogue, or
// through our epilogue kernel for the other broadcasts. CUDA-free: host-tested.
#pragma once

#include <cstdint>

#include "core/shape.h"
#include "core/status.h"

namespace fovea::cuda {

enum class GemmCMode {
  kNone,      // no C, or beta == 0 (as the CPU reference: C is then not read)
  kMatrix,    // C is [M, N]: cuBLASLt's C with beta
  kRowBias,   // C is [N] or [1, N] and beta == 1: cuBLASLt's bias epilogue
  kEpilogue,  // anything else that broadcasts: our kernel adds beta * C[i * row_stride + j * col_stride]
};

struct GemmCPlan {
  GemmCMode mode = GemmCMode::kNone;
  int64_t row_stride = 0;  // kEpilogue only
  int64_t col_stride = 0;
};

// Errors when C does not broadcast to [m, n].
Result<GemmCPlan> plan_gemm_c(bool has_c, const Dims& c, int64_t m, int64_t n, float beta);

}  // namespace fovea::cuda
