#include "passes/activation_match.h"

#include <limits>

namespace fovea {
namespace {

using Match = std::optional<ActivationMatch>;

bool is_unary_on(const Node* n, const Value* x) {
  return n->inputs.size() >= 1 && n->inputs[0] == x && n->outputs.size() == 1 && n->has_output(0);
}

// x * Sigmoid(x): `x` has exactly the readers Sigmoid and Mul, the Sigmoid's result only the Mul.
Match match_silu(const Graph& graph, Value* x) {
  if (x->consumers.size() != 2) return std::nullopt;
  Node* sig = x->consumers[0];
  Node* mul = x->consumers[1];
  if (!is_onnx_op(sig, "Sigmoid")) std::swap(sig, mul);
  if (!is_onnx_op(sig, "Sigmoid") || !is_onnx_op(mul, "Mul") || !is_unary_on(sig, x) || sig->inputs.size() != 1)
    return std::nullopt;
  Value* s = sig->outputs[0];
  if (!only_read_by(graph, s, mul) || other_input(mul, s) != x || !mul->has_output(0)) return std::nullopt;
  return ActivationMatch{{FusedActivationKind::kSiLU, 0.0f, 0.0f}, {sig, mul}, mul->outputs[0]};
}

}  // namespace

Result<std::optional<ActivationMatch>> match_activation(const GraphEditor& editor, Value* x) {
  const Graph& graph = editor.graph();
  if (is_graph_output(graph, x)) return Match();
  if (Match silu = match_silu(graph, x)) return silu;
  Node* n = sole_consumer(graph, x);
  if (!n || !is_unary_on(n, x) || (!n->domain.empty() && n->domain != "ai.onnx")) return Match();
  FusedActivation act;
  if (n->op_type == "Relu") act.kind = FusedActivationKind::kRelu;
  else if (n->op_type == "Sigmoid") act.kind = FusedActivationKind::kSigmoid;
  else if (n->op_type == "Tanh") act.kind = FusedActivationKind::kTanh;
  else if (n->op_type == "HardSwish") act.kind = FusedActivationKind::kHardSwish;
  else if (n->op_type == "LeakyRelu") {
    act.kind = FusedActivationKind::kLeakyRelu;
    FOVEA_ASSIGN_OR_RETURN(act.alpha, n->attr_float("alpha", 0.01f));
  } else if (n->op_type == "HardSigmoid") {
    act.kind = FusedActivationKind::kHardSigmoid;
    FOVEA_ASSIGN_OR_RETURN(act.alpha, n->attr_float("alpha", 0.2f));
    FOVEA_ASSIGN_OR_RETURN(act.beta, n->attr_float("beta", 0.5f));
  } else if (n->op_type == "Clip") {
    act.kind = FusedActivationKind::kClip;
    constexpr float inf = std::numeric_limits<float>::infinity();
    if (graph.opset < 11) {
      FOVEA_ASSIGN_OR_RETURN(act.alpha, n->attr_float("min", -inf));
      FOVEA_ASSIGN_OR_RETURN(act.beta, n->attr_float("max", inf));
    } else {
      act.alpha = -inf;
      act.beta = inf;
      if (n->has_input(1)) {
        auto lo = scalar_float_constant(n->inputs[1]);
        if (!lo) return Match();
        act.alpha = *lo;
      }
      if (n->has_input(2)) {
        auto hi = scalar_float_constant(n->inputs[2]);
        if (!hi) return Match();
        act.beta = *hi;
      }
    }
  } else {
    return Match();
  }
  if (n->op_type != "Clip" && n->inputs.size() != 1) return Match();
  return Match(ActivationMatch{act, {n}, n->outputs[0]});
}

}  // namespace fovea
