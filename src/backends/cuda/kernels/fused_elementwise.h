// fovea.FusedElementwise (docs/fused-ops.md): a small program of elementwise float ops run per
// output element in one kernel (framework-free). Registers 0 .. num_inputs-1 hold the inputs
// (broadcast to the output), register num_inputs + k the result of op k; the output is the last
// op's result. Values are float32 whatever the storage (float32 or float16).
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <vector>

#include "backends/cuda/kernels/elementwise_operand.h"

namespace fovea::cuda::kernels {

inline constexpr int kMaxFusedInputs = 8;
inline constexpr int kMaxFusedOps = 16;

enum class FusedOpCode : int32_t {
  // binary
  kAdd, kSub, kMul, kDiv, kPow, kMax, kMin, kPRelu,
  // unary (parameters: alpha, beta)
  kRelu, kLeakyRelu, kSigmoid, kTanh, kHardSigmoid, kHardSwish, kSoftplus, kElu, kSelu, kErf, kClip, kSqrt,
  kExp, kLog, kAbs, kNeg, kReciprocal, kFloor, kCeil, kRound, kSign, kIdentity,
};

inline constexpr bool fused_op_is_binary(FusedOpCode op) { return op <= FusedOpCode::kPRelu; }

// Passed by value to the kernel (kernel parameters live in constant memory).
struct FusedProgram {
  int32_t num_inputs = 0;
  int32_t num_ops = 0;
  FusedOpCode ops[kMaxFusedOps] = {};
  int32_t lhs[kMaxFusedOps] = {};   // register of the first operand
  int32_t rhs[kMaxFusedOps] = {};   // register of the second operand (binary ops only)
  float alpha[kMaxFusedOps] = {};
  float beta[kMaxFusedOps] = {};
};

// Runs `program` over out_dims; inputs (program.num_inputs of them) and out share kind float32
// or float16. The host checked the program (register indices refer to inputs or earlier ops).
// cudaErrorNotSupported for another kind; cudaErrorInvalidValue for a malformed launch.
cudaError_t launch_fused_elementwise(const FusedProgram& program, const std::vector<ElementwiseOperand>& inputs,
                                     ScalarKind out_kind, void* out, const std::vector<int64_t>& out_dims,
                                     cudaStream_t stream);

}  // namespace fovea::cuda::kernels
