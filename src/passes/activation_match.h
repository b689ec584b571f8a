// Matching the activation that follows a value, for the conv and gemm fusions: Relu, LeakyRelu,
// Sigmoid, Tanh, HardSwish, HardSigmoid, Clip with constant bounds, and SiLU written as
// x * Sigmoid(x) (x then has exactly the two readers Sigmoid and Mul).
#pragma once

#include <optional>
#include <vector>

#include "core/status.h"
#include "ir/graph.h"
#include "ops/fused_activation.h"
#include "passes/graph_editor.h"

namespace fovea {

struct ActivationMatch {
  FusedActivation activation;
  std::vector<Node*> nodes;  // the activation's nodes (one, or Sigmoid and Mul for SiLU)
  Value* output = nullptr;   // the activation's result
};

// The activation reading `x`, when `x` is read by nothing else and is not a graph output.
Result<std::optional<ActivationMatch>> match_activation(const GraphEditor& editor, Value* x);

}  // namespace fovea
