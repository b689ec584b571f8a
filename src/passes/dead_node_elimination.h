// Dead-node elimination: nodes none of whose outputs is read by another node or is a graph
// output are removed, repeatedly (removing one can make its producers dead), together with the
// initializers nothing reads any more.
#pragma once

#include "core/status.h"
#include "ir/graph.h"

namespace fovea {

// Returns the number of nodes removed.
Result<int> eliminate_dead_nodes(Graph& graph);

}  // namespace fovea
