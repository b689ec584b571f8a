#include "passes/graph_editor.h"

#include <algorithm>

namespace fovea {

void GraphEditor::remove(Node* node) {
  if (!removed_.insert(node).second) return;
  pending_.push_back(node);
  for (Value* in : node->inputs)
    if (in) std::erase(in->consumers, node);
  for (Value* out : node->outputs)
    if (out && out->producer == node) out->producer = nullptr;
}

Status GraphEditor::replace(const std::vector<Node*>& old_nodes, Node* replacement) {
  for (Node* n : old_nodes) remove(n);
  return graph_.connect(replacement);
}

void GraphEditor::make_constant(Value* value, Tensor data) {
  if (value->producer) {
    Node* p = value->producer;
    for (Value*& out : p->outputs)
      if (out == value) out = nullptr;
    value->producer = nullptr;
  }
  value->dtype = data.dtype();
  value->shape = shape_from_dims(data.dims());
  value->constant = std::move(data);
}

void GraphEditor::commit() {
  if (pending_.empty()) return;
  graph_.remove_nodes(pending_);
  pending_.clear();
  removed_.clear();
}

bool is_graph_output(const Graph& graph, const Value* value) {
  return std::find(graph.outputs.begin(), graph.outputs.end(), value) != graph.outputs.end();
}

bool only_read_by(const Graph& graph, const Value* value, const Node* node) {
  return value->consumers.size() == 1 && value->consumers[0] == node && !is_graph_output(graph, value);
}

Node* sole_consumer(const Graph& graph, const Value* value) {
  if (value->consumers.size() != 1 || is_graph_output(graph, value)) return nullptr;
  return value->consumers[0];
}

Value* other_input(const Node* node, const Value* value) {
  if (node->inputs.size() != 2) return nullptr;
  if (node->inputs[0] == value && node->inputs[1] != value) return node->inputs[1];
  if (node->inputs[1] == value && node->inputs[0] != value) return node->inputs[0];
  return nullptr;
}

std::optional<float> scalar_float_constant(const Value* value) {
  if (!value || !value->constant || value->constant->numel() != 1) return std::nullopt;
  const DType t = value->constant->dtype();
  if (t != DType::kFloat32 && t != DType::kFloat64) return std::nullopt;
  return static_cast<float>(value->constant->double_at(0));
}

std::optional<std::vector<float>> axis_vector_constant(const Value* value, int64_t out_rank, int64_t axis,
                                                       int64_t length) {
  if (!value || !value->constant || value->constant->dtype() != DType::kFloat32) return std::nullopt;
  const Tensor& t = *value->constant;
  const int64_t rank = static_cast<int64_t>(t.rank());
  if (rank > out_rank || length < 0) return std::nullopt;
  for (int64_t i = 0; i < rank; ++i) {
    const int64_t o = out_rank - rank + i;
    const int64_t d = t.dim(static_cast<size_t>(i));
    if (d != 1 && !(o == axis && d == length)) return std::nullopt;
  }
  const float* p = t.data<float>();
  std::vector<float> out(static_cast<size_t>(length));
  for (int64_t c = 0; c < length; ++c) out[c] = t.numel() == 1 ? p[0] : p[c];
  return out;
}

bool same_static_or_symbolic_shape(const std::optional<Shape>& a, const std::optional<Shape>& b) {
  if (!a || !b || a->size() != b->size()) return false;
  for (size_t i = 0; i < a->size(); ++i) {
    const Dim& x = (*a)[i];
    if (!x.is_known() && !x.is_symbolic()) return false;
    if (!(x == (*b)[i])) return false;
  }
  return true;
}

bool is_onnx_op(const Node* node, std::string_view op_type) {
  return node && node->op_type == op_type && (node->domain.empty() || node->domain == "ai.onnx");
}

}  // namespace fovea
