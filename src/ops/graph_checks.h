// Graph-wide checks against the op table: supported ops and arity, then shape inference.
#pragma once

#include <functional>

#include "core/status.h"
#include "ir/graph.h"

namespace fovea {

// Checks that every node's op is in the op table and has a valid number of inputs and outputs.
// Unsupported ops are reported all at once, with counts and node names.
Status check_supported_ops(const Graph& graph);

// Computes the data of a node's outputs from known input data (the CPU backend provides it).
using ConstantEvaluator =
    std::function<Result<std::vector<Tensor>>(const Node&, int64_t opset, const std::vector<const Tensor*>&)>;

struct ShapeInferenceOptions {
  // When set, nodes whose inputs are all known and small are evaluated, so shapes computed by
  // Shape -> Gather -> Concat -> Reshape chains become static.
  ConstantEvaluator evaluate;
  int64_t max_constant_elements = 1 << 16;
};

// Infers dtype and shape of every value in topological order. Declared shapes of graph inputs
// are kept; an inferred shape replaces a declared one for intermediate values and outputs,
// except that a declared symbolic name fills an unknown inferred dim. Errors name the node.
Status infer_shapes(Graph& graph, const ShapeInferenceOptions& options = {});

}  // namespace fovea
