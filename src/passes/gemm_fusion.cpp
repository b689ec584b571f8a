#include "passes/gemm_fusion.h"

#include "passes/activation_match.h"
#include "passes/graph_editor.h"

namespace fovea {
namespace {

// Gemm's existing bias as N values (beta * C), when C is absent or a per-column constant.
std::optional<std::vector<float>> gemm_column_bias(const Node& gemm, int64_t n) {
  if (!gemm.has_input(2)) return std::vector<float>(static_cast<size_t>(n), 0.0f);
  auto c = axis_vector_constant(gemm.inputs[2], 2, 1, n);
  auto beta = gemm.attr_float("beta", 1.0f);
  if (!c || !beta.is_ok()) return std::nullopt;
  for (float& v : *c) v *= *beta;
  return c;
}

Result<bool> fuse_one(GraphEditor& editor, Node* node) {
  Graph& graph = editor.graph();
  const bool is_gemm = node->op_type == "Gemm";
  if (node->outputs.size() != 1 || !node->has_output(0) || !node->has_input(0) || !node->has_input(1)) return false;
  Value* cur = node->outputs[0];
  if (cur->dtype != DType::kFloat32 || !cur->shape || cur->shape->empty()) return false;
  const int64_t rank = static_cast<int64_t>(cur->shape->size());
  const Dim n = cur->shape->back();
  std::vector<Node*> absorbed;

  // 1. Bias along the last dim.
  Value* bias = is_gemm && node->has_input(2) ? node->inputs[2] : nullptr;
  bool bias_replaced = false;
  if (Node* add = sole_consumer(graph, cur); is_onnx_op(add, "Add") && add->has_output(0) && n.is_known()) {
    auto extra = axis_vector_constant(other_input(add, cur), rank, rank - 1, n.value);
    auto existing = is_gemm ? gemm_column_bias(*node, n.value) : std::optional<std::vector<float>>(std::vector<float>(n.value, 0.0f));
    if (extra && existing) {
      for (size_t c = 0; c < extra->size(); ++c) (*extra)[c] += (*existing)[c];
      FOVEA_ASSIGN_OR_RETURN(bias, graph.add_constant(node->name + "_fused_bias", Tensor::from_vector<float>(*extra, {n.value})));
      bias_replaced = true;
      absorbed.push_back(add);
      cur = add->outputs[0];
    }
  }
  // 2. Activation.
  FusedActivation act;
  FOVEA_ASSIGN_OR_RETURN(std::optional<ActivationMatch> am, match_activation(editor, cur));
  if (am) {
    act = am->activation;
    absorbed.insert(absorbed.end(), am->nodes.begin(), am->nodes.end());
    cur = am->output;
  }
  if (absorbed.empty()) return false;

  Node* fused = graph.add_node(node->name, is_gemm ? "FusedGemm" : "FusedMatMul");
  fused->domain = "fovea";
  fused->attributes = node->attributes;
  if (is_gemm && bias_replaced) fused->set_attribute("beta", 1.0f);
  set_fused_activation(*fused, act);
  fused->inputs = {node->inputs[0], node->inputs[1]};
  if (bias) fused->inputs.push_back(bias);
  fused->outputs = {cur};
  absorbed.insert(absorbed.begin(), node);
  FOVEA_RETURN_IF_ERROR(editor.replace(absorbed, fused));
  return true;
}

}  // namespace

Result<int> fuse_gemm_matmul_bias_activation(Graph& graph) {
  FOVEA_ASSIGN_OR_RETURN(std::vector<Node*> order, graph.topological_order());
  GraphEditor editor(graph);
  int fused = 0;
  for (Node* node : order) {
    if (editor.is_removed(node) || !(is_onnx_op(node, "Gemm") || is_onnx_op(node, "MatMul"))) continue;
    FOVEA_ASSIGN_OR_RETURN(const bool done, fuse_one(editor, node));
    fused += done ? 1 : 0;
  }
  editor.commit();
  return fused;
}

}  // namespace fovea
