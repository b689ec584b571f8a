#include "passes/shape_folding.h"

#include <algorithm>

#include "passes/graph_editor.h"

namespace fovea {
namespace {

// The dims Shape reports: [start, end) from opset 15, clamped to [0, rank] as ONNX specifies.
Result<std::pair<int64_t, int64_t>> shape_range(const Node& node, int64_t opset, int64_t rank) {
  int64_t start = 0, end = rank;
  if (opset >= 15) {
    FOVEA_ASSIGN_OR_RETURN(start, node.attr_int("start", 0));
    FOVEA_ASSIGN_OR_RETURN(end, node.attr_int("end", rank));
  }
  if (start < 0) start += rank;
  if (end < 0) end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, 0, rank);
  return std::pair<int64_t, int64_t>{start, std::max(start, end)};
}

// The constant a Shape or Size node produces, or nullopt when a dim it needs is not known.
Result<std::optional<Tensor>> static_shape_value(const Node& node, int64_t opset) {
  const Value* in = node.inputs.empty() ? nullptr : node.inputs[0];
  if (!in || !in->shape) return std::optional<Tensor>();
  const Shape& s = *in->shape;
  if (node.op_type == "Size") {
    if (!shape_is_static(s)) return std::optional<Tensor>();
    Dims dims;
    for (const Dim& d : s) dims.push_back(d.value);
    auto n = checked_element_count(dims, 1);
    if (!n.is_ok()) return n.status().with_context(node.describe());
    return std::optional<Tensor>(Tensor::scalar<int64_t>(*n));
  }
  FOVEA_ASSIGN_OR_RETURN(auto range, shape_range(node, opset, static_cast<int64_t>(s.size())));
  std::vector<int64_t> dims;
  for (int64_t i = range.first; i < range.second; ++i) {
    if (!s[i].is_known()) return std::optional<Tensor>();
    dims.push_back(s[i].value);
  }
  const int64_t n = static_cast<int64_t>(dims.size());
  return std::optional<Tensor>(Tensor::from_vector<int64_t>(dims, {n}));
}

}  // namespace

Result<int> fold_static_shapes(Graph& graph) {
  GraphEditor editor(graph);
  std::vector<Node*> candidates;
  for (const auto& n : graph.nodes())
    if ((is_onnx_op(n.get(), "Shape") || is_onnx_op(n.get(), "Size")) && n->has_output(0) && n->outputs.size() == 1)
      candidates.push_back(n.get());
  int folded = 0;
  for (Node* node : candidates) {
    FOVEA_ASSIGN_OR_RETURN(std::optional<Tensor> value, static_shape_value(*node, graph.opset));
    if (!value) continue;
    Value* out = node->outputs[0];
    editor.remove(node);
    editor.make_constant(out, std::move(*value));
    ++folded;
  }
  editor.commit();
  return folded;
}

}  // namespace fovea
