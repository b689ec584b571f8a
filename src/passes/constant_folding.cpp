#include "passes/constant_folding.h"

#include "backends/cpu/cpu_executor.h"
#include "backends/cpu/cpu_kernel.h"
#include "passes/graph_editor.h"

namespace fovea {
namespace {

// Match: every present input is constant and the node produces something.
bool all_inputs_constant(const Node& node) {
  for (const Value* v : node.inputs)
    if (v && !v->is_constant()) return false;
  for (const Value* v : node.outputs)
    if (v) return true;
  return false;
}

// Bytes of the node's outputs from the inferred shapes; nullopt when a shape is not static.
std::optional<int64_t> static_output_bytes(const Node& node) {
  int64_t total = 0;
  for (const Value* v : node.outputs) {
    if (!v) continue;
    if (v->constant) {  // already evaluated by shape inference
      total += static_cast<int64_t>(v->constant->nbytes());
      continue;
    }
    if (!v->shape || !shape_is_static(*v->shape) || v->dtype == DType::kUndefined) return std::nullopt;
    Dims dims;
    for (const Dim& d : *v->shape) dims.push_back(d.value);
    auto count = checked_element_count(dims, dtype_size(v->dtype));
    if (!count.is_ok()) return std::nullopt;
    total += *count * static_cast<int64_t>(dtype_size(v->dtype));
  }
  return total;
}

}  // namespace

Result<int> fold_constants(Graph& graph, const ConstantFoldingOptions& options) {
  FOVEA_ASSIGN_OR_RETURN(std::vector<Node*> order, graph.topological_order());
  GraphEditor editor(graph);
  int folded = 0;
  for (Node* node : order) {
    if (!all_inputs_constant(*node) || !cpu::find_cpu_kernel(node->domain, node->op_type)) continue;
    const auto bytes = static_output_bytes(*node);
    if (!bytes || *bytes > options.max_output_bytes) continue;
    std::vector<Tensor> results;
    bool known = true;  // shape inference may already have computed every output
    for (const Value* v : node->outputs) known &= !v || v->is_constant();
    if (known) {
      for (const Value* v : node->outputs) results.push_back(v ? *v->constant : Tensor());
    } else {
      std::vector<const Tensor*> inputs;
      for (const Value* v : node->inputs) inputs.push_back(v ? &*v->constant : nullptr);
      auto r = cpu::run_node(*node, graph.opset, inputs);
      if (!r.is_ok()) return r.status().with_context("constant folding");
      results = std::move(r).value();
    }
    std::vector<Value*> outputs = node->outputs;
    editor.remove(node);
    for (size_t i = 0; i < outputs.size(); ++i)
      if (outputs[i]) editor.make_constant(outputs[i], std::move(results[i]));
    ++folded;
  }
  editor.commit();
  return folded;
}

}  // namespace fovea
