// Unary elementwise launchers (framework-free): activations, math, trigonometry, IsNaN/IsInf,
// Not. Semantics follow the CPU reference kernels (src/backends/cpu/); float16 computes in
// float32.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "backends/cuda/kernels/scalar_kind.h"

namespace fovea::cuda::kernels {

enum class UnaryOp {
  // every numeric kind (integers included)
  kRelu, kAbs, kNeg, kSign, kErf, kShrink,
  // float kinds only (float32, float16, float64)
  kLeakyRelu, kSigmoid, kTanh, kHardSigmoid, kHardSwish, kSoftplus, kSoftsign, kElu, kSelu, kCelu,
  kThresholdedRelu, kMish, kSqrt, kExp, kLog, kReciprocal, kFloor, kCeil, kRound,
  kSin, kCos, kTan, kAsin, kAcos, kAtan, kSinh, kCosh, kAsinh, kAcosh, kAtanh,
  // float kinds in, bool out
  kIsNaN, kIsInf,
  // bool only
  kNot,
};

// The op's attributes; which fields are read depends on the op.
struct UnaryParams {
  UnaryOp op = UnaryOp::kRelu;
  float alpha = 0.f;   // LeakyRelu/Elu/Celu/ThresholdedRelu alpha, HardSigmoid alpha, Selu alpha, Shrink bias
  float beta = 0.f;    // HardSigmoid beta, Selu gamma, Shrink lambd
  bool detect_negative = true;  // IsInf
  bool detect_positive = true;  // IsInf
};

// y[i] = op(x[i]) for n elements of `kind` (y is bool for IsNaN/IsInf, `kind` otherwise).
// cudaErrorNotSupported when the op does not take `kind`.
cudaError_t launch_unary(const UnaryParams& params, ScalarKind kind, const void* x, void* y, int64_t n,
                         cudaStream_t stream);

// True when the op's output is bool rather than the input's kind.
inline bool unary_outputs_bool(UnaryOp op) { return op == UnaryOp::kIsNaN || op == UnaryOp::kIsInf; }

}  // namespace fovea::cuda::kernels
