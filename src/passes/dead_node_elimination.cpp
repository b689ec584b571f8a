#include "passes/dead_node_elimination.h"

#include <algorithm>

#include "passes/graph_editor.h"

namespace fovea {

Result<int> eliminate_dead_nodes(Graph& graph) {
  FOVEA_ASSIGN_OR_RETURN(std::vector<Node*> order, graph.topological_order());
  GraphEditor editor(graph);
  int removed = 0;
  // Consumers come after producers in `order`: walking it backwards sees a node only after
  // everything that reads it has been decided.
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    Node* node = *it;
    const bool used = std::any_of(node->outputs.begin(), node->outputs.end(), [&](const Value* v) {
      return v && (!v->consumers.empty() || is_graph_output(graph, v));
    });
    if (used) continue;
    editor.remove(node);
    ++removed;
  }
  editor.commit();
  return removed;
}

}  // namespace fovea
