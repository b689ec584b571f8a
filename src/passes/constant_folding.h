// Constant folding: a node whose inputs are all constant is evaluated on the CPU reference
// kernels and its outputs become initializers. Outputs larger than a limit are left to run time
// (a ConstantOfShape of a large shape should not become a large initializer in the plan).
#pragma once

#include <cstdint>

#include "core/status.h"
#include "ir/graph.h"

namespace fovea {

struct ConstantFoldingOptions {
  int64_t max_output_bytes = int64_t{16} << 20;  // per node, all outputs together
};

// Returns the number of nodes folded.
Result<int> fold_constants(Graph& graph, const ConstantFoldingOptions& options = {});

}  // namespace fovea
