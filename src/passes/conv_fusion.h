// Conv + bias + residual + activation -> fovea.FusedConv (docs/fused-ops.md). Starting at a Conv,
// in this order and each optional: an Add of a per-channel constant ([C,1,1], [1,C,1,1], a
// scalar) goes into B; an Add of a same-shape tensor Z before the activation (ResNet:
// act(conv + Z)); the activation (activation_match.h); an Add of a same-shape Z after it (YOLO:
// act(conv) + Z, residual_after_activation = 1). Every absorbed intermediate must be read only by
// the next absorbed node and not be a graph output. Float32 only.
#pragma once

#include "core/status.h"
#include "ir/graph.h"

namespace fovea {

// Returns the number of Conv nodes fused.
Result<int> fuse_conv_bias_activation(Graph& graph);

}  // namespace fovea
