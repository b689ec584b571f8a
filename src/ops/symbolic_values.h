// Build-time tracking of shape tensors whose elements are symbolic dims, in the spirit of ONNX's
// data propagation: Shape([batch,3,640,640]) -> Gather(0) -> Unsqueeze -> Concat([.., 144, -1])
// stays [batch,144,-1], so a Reshape after it keeps the batch dim symbolic instead of unknown.
#pragma once

#include <optional>
#include <vector>

#include "ir/graph.h"
#include "ops/op_def.h"

namespace fovea {

// Elements of output 0 of `node` as symbolic ints, given its inputs; nullopt when the op is not
// a shape-arithmetic op or the result is not a small 0-D/1-D integer tensor.
std::optional<std::vector<SymbolicInt>> propagate_symbolic_ints(const Node& node, int64_t opset,
                                                                const std::vector<TensorInfo>& inputs);

}  // namespace fovea
