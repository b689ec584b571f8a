#include "ops/fused_elementwise_program.h"

#include <array>

namespace fovea {
namespace {

using K = ElementwiseOpKind;

constexpr std::array<ElementwiseOpInfo, 30> kOps = {{
    {"Add", K::kAdd, true},          {"Sub", K::kSub, true},
    {"Mul", K::kMul, true},          {"Div", K::kDiv, true},
    {"Pow", K::kPow, true},          {"Max", K::kMax, true},
    {"Min", K::kMin, true},          {"PRelu", K::kPRelu, true},
    {"Relu", K::kRelu, false},       {"LeakyRelu", K::kLeakyRelu, false},
    {"Sigmoid", K::kSigmoid, false}, {"Tanh", K::kTanh, false},
    {"HardSigmoid", K::kHardSigmoid, false}, {"HardSwish", K::kHardSwish, false},
    {"Softplus", K::kSoftplus, false}, {"Elu", K::kElu, false},
    {"Selu", K::kSelu, false},       {"Erf", K::kErf, false},
    {"Clip", K::kClip, false},       {"Sqrt", K::kSqrt, false},
    {"Exp", K::kExp, false},         {"Log", K::kLog, false},
    {"Abs", K::kAbs, false},         {"Neg", K::kNeg, false},
    {"Reciprocal", K::kReciprocal, false}, {"Floor", K::kFloor, false},
    {"Ceil", K::kCeil, false},       {"Round", K::kRound, false},
    {"Sign", K::kSign, false},       {"Identity", K::kIdentity, false},
}};

}  // namespace

const ElementwiseOpInfo* find_elementwise_op(std::string_view name) {
  for (const ElementwiseOpInfo& info : kOps)
    if (info.name == name) return &info;
  return nullptr;
}

Result<ElementwiseProgram> parse_elementwise_program(const Node& node, int num_inputs) {
  if (num_inputs < 1 || num_inputs > kMaxFusedElementwiseInputs)
    return invalid_argument("{}: takes 1..{} inputs, has {}", node.describe(), kMaxFusedElementwiseInputs, num_inputs);
  FOVEA_ASSIGN_OR_RETURN(std::vector<std::string> ops, node.attr_strings("ops"));
  FOVEA_ASSIGN_OR_RETURN(std::vector<int64_t> operands, node.attr_ints("operands"));
  FOVEA_ASSIGN_OR_RETURN(std::vector<float> alphas, node.attr_floats("alphas"));
  FOVEA_ASSIGN_OR_RETURN(std::vector<float> betas, node.attr_floats("betas"));
  const size_t n = ops.size();
  if (n < 1 || n > static_cast<size_t>(kMaxFusedElementwiseOps))
    return invalid_argument("{}: attribute 'ops' must list 1..{} ops, has {}", node.describe(),
                            kMaxFusedElementwiseOps, n);
  if (operands.size() != 2 * n)
    return invalid_argument("{}: attribute 'operands' must have 2 entries per op ({}), has {}", node.describe(), 2 * n,
                            operands.size());
  // Absent alphas/betas mean 0 for every op; present ones need one entry per op.
  if (!alphas.empty() && alphas.size() != n)
    return invalid_argument("{}: attribute 'alphas' must have one entry per op ({}), has {}", node.describe(), n,
                            alphas.size());
  if (!betas.empty() && betas.size() != n)
    return invalid_argument("{}: attribute 'betas' must have one entry per op ({}), has {}", node.describe(), n,
                            betas.size());
  ElementwiseProgram program;
  program.num_inputs = num_inputs;
  for (size_t k = 0; k < n; ++k) {
    const ElementwiseOpInfo* info = find_elementwise_op(ops[k]);
    if (!info) return invalid_argument("{}: op {} ('{}') is not a fusable element-wise op", node.describe(), k, ops[k]);
    const int64_t registers = num_inputs + static_cast<int64_t>(k);  // readable by op k
    const int64_t a = operands[2 * k], b = operands[2 * k + 1];
    if (a < 0 || a >= registers)
      return invalid_argument("{}: op {} ({}) reads register {}, only 0..{} exist before it", node.describe(), k,
                              ops[k], a, registers - 1);
    if (info->binary && (b < 0 || b >= registers))
      return invalid_argument("{}: op {} ({}) reads register {}, only 0..{} exist before it", node.describe(), k,
                              ops[k], b, registers - 1);
    if (!info->binary && b != -1)
      return invalid_argument("{}: op {} ({}) is unary; its second operand must be -1, is {}", node.describe(), k,
                              ops[k], b);
    ElementwiseInstruction ins;
    ins.kind = info->kind;
    ins.a = static_cast<int>(a);
    ins.b = static_cast<int>(b);
    ins.alpha = alphas.empty() ? 0.0f : alphas[k];
    ins.beta = betas.empty() ? 0.0f : betas[k];
    program.instructions.push_back(ins);
  }
  return program;
}

}  // namespace fovea
