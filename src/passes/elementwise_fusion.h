// Element-wise chain fusion -> fovea.FusedElementwise (docs/fused-ops.md). Groups are maximal
// connected sets of float element-wise ops (ops/fused_elementwise_program.h) with one result:
// every value produced inside a group is read only inside it and is not a graph output. At
// least 2 ops, at most 16 ops and 8 distinct inputs. Constant scalar parameters (LeakyRelu
// alpha, Clip bounds, ...) become the program's alphas/betas. Runs after the conv and gemm
// fusions, so activations go into those first.
#pragma once

#include "core/status.h"
#include "ir/graph.h"

namespace fovea {

// Returns the number of FusedElementwise nodes made.
Result<int> fuse_elementwise_chains(Graph& graph);

}  // namespace fovea
