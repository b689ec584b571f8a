#include "ops/graph_checks.h"

#include <map>

#include "ops/op_def.h"
#include "ops/symbolic_values.h"

namespace fovea {

Status check_supported_ops(const Graph& graph) {
  std::map<std::string, std::vector<std::string>> missing;  // "domain::op" -> node names
  std::string arity_errors;
  for (const auto& node : graph.nodes()) {
    const OpSchema* schema = find_op_schema(node->domain, node->op_type);
    if (!schema) {
      std::string key = node->domain.empty() ? node->op_type : node->domain + "::" + node->op_type;
      missing[key].push_back(node->name);
      continue;
    }
    const int n_in = static_cast<int>(node->inputs.size());
    const int n_out = static_cast<int>(node->outputs.size());
    if (n_in < schema->min_inputs || n_in > schema->max_inputs || n_out < schema->min_outputs ||
        n_out > schema->max_outputs) {
      auto range = [](int lo, int hi) { return hi >= kVariadic ? fmt::format("{}+", lo) : fmt::format("{}..{}", lo, hi); };
      arity_errors += fmt::format("\n  {} has {} inputs and {} outputs; {} takes {} inputs and {} outputs",
                                  node->describe(), n_in, n_out, schema->name, range(schema->min_inputs, schema->max_inputs),
                                  range(schema->min_outputs, schema->max_outputs));
    }
    for (int i = 0; i < std::min(n_in, schema->min_inputs); ++i)
      if (!node->inputs[i])
        arity_errors += fmt::format("\n  {} is missing required input {}", node->describe(), i);
  }
  if (!missing.empty()) {
    size_t total = 0;
    for (auto& [op, names] : missing) total += names.size();
    std::string msg = fmt::format("{} node(s) use {} unsupported op(s):", total, missing.size());
    for (auto& [op, names] : missing) {
      msg += fmt::format("\n  {} x{}: ", op, names.size());
      for (size_t i = 0; i < names.size() && i < 8; ++i) msg += (i ? ", " : "") + fmt::format("'{}'", names[i]);
      if (names.size() > 8) msg += fmt::format(", ... ({} more)", names.size() - 8);
    }
    return unsupported("{}{}", msg, arity_errors);
  }
  if (!arity_errors.empty()) return invalid_argument("malformed nodes:{}", arity_errors);
  return Status::ok();
}

namespace {

// Keeps declared symbolic names where inference could not tell, e.g. an output declared [batch,84,8400].
Shape merge_declared(const Shape& inferred, const std::optional<Shape>& declared) {
  if (!declared || declared->size() != inferred.size()) return inferred;
  Shape out = inferred;
  for (size_t i = 0; i < out.size(); ++i)
    if (!out[i].is_known() && out[i].symbol.empty()) out[i] = (*declared)[i];
  return out;
}

}  // namespace

Status infer_shapes(Graph& graph, const ShapeInferenceOptions& options) {
  FOVEA_ASSIGN_OR_RETURN(std::vector<Node*> order, graph.topological_order());
  std::map<const Value*, std::vector<SymbolicInt>> symbolic;  // shape tensors holding symbolic dims
  for (Node* node : order) {
    const OpSchema* schema = find_op_schema(node->domain, node->op_type);
    if (!schema) return unsupported("{} is not a supported op", node->describe());
    std::vector<TensorInfo> infos(node->inputs.size());
    bool all_known = true;
    int64_t known_elements = 0;
    for (size_t i = 0; i < node->inputs.size(); ++i) {
      const Value* v = node->inputs[i];
      if (!v) continue;
      infos[i].present = true;
      infos[i].dtype = v->dtype;
      infos[i].shape = v->shape;
      if (v->constant) {
        infos[i].value = &*v->constant;
        known_elements += v->constant->numel();
      } else {
        all_known = false;
        if (auto it = symbolic.find(v); it != symbolic.end()) infos[i].symbolic_value = it->second;
      }
      if (v->dtype == DType::kUndefined)
        return invalid_argument("{}: the dtype of input '{}' is unknown", node->describe(), v->name);
    }
    auto symbolic_out = propagate_symbolic_ints(*node, graph.opset, infos);
    InferContext ctx(*node, graph.opset, std::move(infos));
    FOVEA_RETURN_IF_ERROR(schema->infer(ctx));
    if (symbolic_out && node->has_output(0)) symbolic[node->outputs[0]] = std::move(*symbolic_out);

    // Evaluate small all-constant nodes so that shape arithmetic becomes static.
    std::vector<Tensor> evaluated;
    if (all_known && options.evaluate && known_elements <= options.max_constant_elements) {
      bool small_outputs = true;
      for (size_t i = 0; i < node->outputs.size(); ++i) {
        const auto& shape = ctx.output(i).shape;
        if (!node->outputs[i]) continue;
        if (!shape || !shape_is_static(*shape)) { small_outputs = false; break; }
        auto dims = dims_from_shape(*shape, "");
        // Checked: a malformed model may declare dims whose product overflows.
        auto count = checked_element_count(*dims, 1);
        if (!count.is_ok() || *count > options.max_constant_elements) small_outputs = false;
      }
      if (small_outputs) {
        std::vector<const Tensor*> in;
        for (Value* v : node->inputs) in.push_back(v ? &*v->constant : nullptr);
        auto r = options.evaluate(*node, graph.opset, in);
        if (!r.is_ok()) return r.status();
        evaluated = std::move(r).value();
      }
    }

    for (size_t i = 0; i < node->outputs.size(); ++i) {
      Value* out = node->outputs[i];
      if (!out) continue;
      const TensorInfo& info = ctx.output(i);
      if (info.dtype == DType::kUndefined)
        return internal_error("{}: shape function left output {} ('{}') without a dtype", node->describe(), i, out->name);
      out->dtype = info.dtype;
      out->shape = info.shape ? std::optional<Shape>(merge_declared(*info.shape, out->shape)) : out->shape;
      if (i < evaluated.size() && evaluated[i].defined()) {
        out->constant = evaluated[i];
        out->shape = shape_from_dims(evaluated[i].dims());
      } else if (ctx.output_value(i)) {
        out->constant = *ctx.output_value(i);
      }
    }
  }
  return Status::ok();
}

}  // namespace fovea
