// Binary elementwise launchers with ONNX multidirectional broadcasting (framework-free):
// arithmetic, Mod, Min/Max, PRelu, BitShift, comparisons, And/Or/Xor, and Pow (whose base and
// exponent may differ in kind). Semantics follow the CPU reference kernels; float16 computes
// in float32; integer overflow wraps and integer x / 0 and x % 0 give 0.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <vector>

#include "backends/cuda/kernels/elementwise_operand.h"
#include "backends/cuda/kernels/scalar_kind.h"

namespace fovea::cuda::kernels {

enum class BinaryOp {
  // both inputs and the output of one numeric kind
  kAdd, kSub, kMul, kDiv, kMod, kMin, kMax, kPRelu,
  // unsigned integer kinds
  kBitShiftLeft, kBitShiftRight,
  // one numeric kind (Equal: bool too) in, bool out
  kEqual, kLess, kGreater, kLessOrEqual, kGreaterOrEqual,
  // bool in, bool out
  kAnd, kOr, kXor,
};

struct BinaryParams {
  BinaryOp op = BinaryOp::kAdd;
  bool fmod = false;  // Mod: true takes the dividend's sign (C fmod), false the divisor's (Python %)
};

// True when the op writes bool whatever its inputs' kind.
inline bool binary_outputs_bool(BinaryOp op) { return op >= BinaryOp::kEqual; }

// out = op(a, b) broadcast to out_dims. a and b must share a kind; out has that kind, or bool
// for comparisons and logic. cudaErrorNotSupported for a kind the op does not take;
// cudaErrorInvalidValue when the rank exceeds kMaxRank and the broadcast needs strides.
cudaError_t launch_binary(const BinaryParams& params, const ElementwiseOperand& a, const ElementwiseOperand& b,
                          void* out, const std::vector<int64_t>& out_dims, cudaStream_t stream);

// out = pow(base, exponent) broadcast to out_dims; out has the base's kind. Bases: float32,
// float16, float64, int32, int64; exponents: every numeric kind. Errors as launch_binary.
cudaError_t launch_pow(const ElementwiseOperand& base, const ElementwiseOperand& exponent, void* out,
                       const std::vector<int64_t>& out_dims, cudaStream_t stream);

}  // namespace fovea::cuda::kernels
