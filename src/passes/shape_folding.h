// Shape-arithmetic folding: Shape and Size of values whose (selected) dims are all known become
// constants, so constant folding can then fold the Gather/Concat/... chains that read them.
#pragma once

#include "core/status.h"
#include "ir/graph.h"

namespace fovea {

// Returns the number of Shape/Size nodes replaced by constants.
Result<int> fold_static_shapes(Graph& graph);

}  // namespace fovea
