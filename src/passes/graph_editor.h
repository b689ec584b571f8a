// Graph edits for passes. A pass walks a snapshot of the nodes, so removed nodes must stay
// allocated until it is done: GraphEditor unlinks them at once (they leave every consumer list
// and stop producing their outputs) and deletes them in commit(). Also the small questions every
// pass asks about a value.
#pragma once

#include <optional>
#include <unordered_set>
#include <vector>

#include "core/status.h"
#include "ir/graph.h"

namespace fovea {

class GraphEditor {
 public:
  explicit GraphEditor(Graph& graph) : graph_(graph) {}
  ~GraphEditor() { commit(); }
  GraphEditor(const GraphEditor&) = delete;
  GraphEditor& operator=(const GraphEditor&) = delete;

  Graph& graph() { return graph_; }
  const Graph& graph() const { return graph_; }
  bool is_removed(const Node* node) const { return removed_.count(node) > 0; }

  // Unlinks `node` now; it is deleted at commit().
  void remove(Node* node);
  // Replaces `old_nodes` by `replacement`, whose inputs and outputs are already set: the old
  // nodes are unlinked, then the replacement becomes the producer of its outputs and a consumer
  // of its inputs.
  Status replace(const std::vector<Node*>& old_nodes, Node* replacement);
  // Turns `value` into an initializer holding `data`: its producer (if any) no longer writes it.
  void make_constant(Value* value, Tensor data);

  // Deletes the removed nodes and the values nothing references any more.
  void commit();

 private:
  Graph& graph_;
  std::unordered_set<const Node*> removed_;
  std::vector<Node*> pending_;
};

bool is_graph_output(const Graph& graph, const Value* value);
// True when `value` is read only by `node` (once or more) and is not a graph output: the
// condition for folding the node that produces it into `node`.
bool only_read_by(const Graph& graph, const Value* value, const Node* node);
// The single consumer of `value` when it has exactly one and is not a graph output.
Node* sole_consumer(const Graph& graph, const Value* value);
// The other input of a two-input node, given one of them; nullptr when `node` reads `value` twice.
Value* other_input(const Node* node, const Value* value);
// The value of a one-element float32/float64 constant, or nullopt.
std::optional<float> scalar_float_constant(const Value* value);
// The values of a float32 constant that broadcasts along one axis of a rank-`out_rank` tensor:
// every dim 1 except the one aligned with `axis`, which is 1 or `length` (a per-channel bias
// [C,1,1] for axis 1, a row bias [N] for the last axis). Expanded to `length` values; nullopt
// when `value` is not such a constant or its rank exceeds `out_rank` (it would grow the output).
std::optional<std::vector<float>> axis_vector_constant(const Value* value, int64_t out_rank, int64_t axis,
                                                       int64_t length);
// True when both shapes are known, of the same rank, and every dim is known or symbolic and equal.
bool same_static_or_symbolic_shape(const std::optional<Shape>& a, const std::optional<Shape>& b);
// A node that is safe to rewrite: default ONNX domain.
bool is_onnx_op(const Node* node, std::string_view op_type);

}  // namespace fovea
