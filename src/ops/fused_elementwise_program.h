// The program of a fovea.FusedElementwise node (docs/fused-ops.md): ops in execution order over
// registers (inputs first, then one register per op result). Parsed and validated here for the
// shape function, the CPU kernel and the fusion pass alike.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "ir/graph.h"

namespace fovea {

inline constexpr int kMaxFusedElementwiseInputs = 8;
inline constexpr int kMaxFusedElementwiseOps = 16;

enum class ElementwiseOpKind {
  // binary
  kAdd, kSub, kMul, kDiv, kPow, kMax, kMin, kPRelu,
  // unary
  kRelu, kLeakyRelu, kSigmoid, kTanh, kHardSigmoid, kHardSwish, kSoftplus, kElu, kSelu, kErf, kClip,
  kSqrt, kExp, kLog, kAbs, kNeg, kReciprocal, kFloor, kCeil, kRound, kSign, kIdentity,
};

struct ElementwiseOpInfo {
  std::string_view name;  // the ONNX op name, as written in the `ops` attribute
  ElementwiseOpKind kind;
  bool binary;
};

// The op named `name` (an ONNX op type), or nullptr when it is not a fusable element-wise op.
const ElementwiseOpInfo* find_elementwise_op(std::string_view name);

struct ElementwiseInstruction {
  ElementwiseOpKind kind;
  int a = 0;    // register of the first operand
  int b = -1;   // register of the second operand, -1 for unary ops
  float alpha = 0.0f;
  float beta = 0.0f;
};

struct ElementwiseProgram {
  int num_inputs = 0;
  std::vector<ElementwiseInstruction> instructions;
};

// Reads and validates `ops`, `operands`, `alphas`, `betas` of `node` for `num_inputs` inputs:
// known op names, 1..16 ops, operands referring only to inputs or earlier results.
Result<ElementwiseProgram> parse_elementwise_program(const Node& node, int num_inputs);

}  // namespace fovea
