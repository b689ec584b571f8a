// Split's chunk sizes, shared by the shape function and the CPU kernel.
#pragma once

#include <optional>
#include <vector>

#include "core/status.h"
#include "ir/graph.h"

namespace fovea {

// Sizes along the split axis of each of the node's outputs. `split_input` is the 'split' input
// (opset >= 13) when present and known; `split_input_present` says whether the node has one at
// all. `dim` is the input's size along the axis, or -1 when unknown (then only sizes given
// explicitly are returned, as -1 elsewhere).
Result<std::vector<int64_t>> split_sizes(const Node& node, int64_t opset, bool split_input_present,
                                         const std::optional<std::vector<int64_t>>& split_input, int64_t dim);

}  // namespace fovea
