#include "passes/conv_fusion.h"

#include "passes/activation_match.h"
#include "passes/graph_editor.h"

namespace fovea {
namespace {

// The Add reading `cur` with a non-constant, same-shape other operand: a residual.
struct ResidualMatch {
  Node* add = nullptr;
  Value* z = nullptr;
};

std::optional<ResidualMatch> match_residual(const Graph& graph, Value* cur) {
  Node* add = sole_consumer(graph, cur);
  if (!is_onnx_op(add, "Add") || !add->has_output(0)) return std::nullopt;
  Value* z = other_input(add, cur);
  if (!z || z->is_constant() || z->dtype != cur->dtype) return std::nullopt;
  if (!same_static_or_symbolic_shape(z->shape, cur->shape) ||
      !same_static_or_symbolic_shape(add->outputs[0]->shape, cur->shape))
    return std::nullopt;
  return ResidualMatch{add, z};
}

Result<bool> fuse_one(GraphEditor& editor, Node* conv) {
  Graph& graph = editor.graph();
  if (conv->outputs.size() != 1 || !conv->has_output(0) || !conv->has_input(0) || !conv->has_input(1)) return false;
  Value* cur = conv->outputs[0];
  if (cur->dtype != DType::kFloat32 || !cur->shape || cur->shape->size() < 3) return false;
  const Dim channels = (*cur->shape)[1];
  std::vector<Node*> absorbed;

  // 1. Per-channel constant bias.
  Value* bias = conv->has_input(2) ? conv->inputs[2] : nullptr;
  if (Node* add = sole_consumer(graph, cur); is_onnx_op(add, "Add") && add->has_output(0) && channels.is_known() &&
                                             (!bias || bias->constant)) {
    const auto extra = axis_vector_constant(other_input(add, cur), static_cast<int64_t>(cur->shape->size()), 1,
                                            channels.value);
    const bool old_ok = !bias || (bias->constant->dtype() == DType::kFloat32 && bias->constant->numel() == channels.value);
    if (extra && old_ok) {
      std::vector<float> b = *extra;
      if (bias)
        for (size_t c = 0; c < b.size(); ++c) b[c] += bias->constant->data<float>()[c];
      FOVEA_ASSIGN_OR_RETURN(bias, graph.add_constant(conv->name + "_fused_bias",
                                                      Tensor::from_vector<float>(b, {channels.value})));
      absorbed.push_back(add);
      cur = add->outputs[0];
    }
  }
  // 2. Residual before the activation.
  Value* z = nullptr;
  bool residual_after = false;
  if (auto r = match_residual(graph, cur)) {
    z = r->z;
    absorbed.push_back(r->add);
    cur = r->add->outputs[0];
  }
  // 3. Activation.
  FusedActivation act;
  FOVEA_ASSIGN_OR_RETURN(std::optional<ActivationMatch> am, match_activation(editor, cur));
  if (am) {
    act = am->activation;
    absorbed.insert(absorbed.end(), am->nodes.begin(), am->nodes.end());
    cur = am->output;
    // 4. Residual after the activation.
    if (!z) {
      if (auto r = match_residual(graph, cur)) {
        z = r->z;
        residual_after = true;
        absorbed.push_back(r->add);
        cur = r->add->outputs[0];
      }
    }
  }
  if (absorbed.empty()) return false;

  Node* fused = graph.add_node(conv->name, "FusedConv");
  fused->domain = "fovea";
  fused->attributes = conv->attributes;
  set_fused_activation(*fused, act);
  if (residual_after) fused->set_attribute("residual_after_activation", int64_t{1});
  fused->inputs = {conv->inputs[0], conv->inputs[1], bias};
  if (z) fused->inputs.push_back(z);
  else if (!bias) fused->inputs.pop_back();
  fused->outputs = {cur};
  absorbed.insert(absorbed.begin(), conv);
  FOVEA_RETURN_IF_ERROR(editor.replace(absorbed, fused));
  return true;
}

}  // namespace

Result<int> fuse_conv_bias_activation(Graph& graph) {
  FOVEA_ASSIGN_OR_RETURN(std::vector<Node*> order, graph.topological_order());
  GraphEditor editor(graph);
  int fused = 0;
  for (Node* node : order) {
    if (editor.is_removed(node) || !is_onnx_op(node, "Conv")) continue;
    FOVEA_ASSIGN_OR_RETURN(const bool done, fuse_one(editor, node));
    fused += done ? 1 : 0;
  }
  editor.commit();
  return fused;
}

}  // namespace fovea
