#include "backends/cpu/cpu_executor.h"

#include <chrono>
#include <unordered_map>

#include "backends/cpu/cpu_kernel.h"
#include "ops/op_def.h"

namespace fovea::cpu {

CpuKernelFn find_cpu_kernel(std::string_view domain, std::string_view op_type) {
  if (domain == "ai.onnx") domain = "";
  // Looked up for every node of every run: index the table once, by domain then name.
  using ByName = std::unordered_map<std::string_view, CpuKernelFn>;
  static const std::unordered_map<std::string_view, ByName> by_domain = [] {
    std::unordered_map<std::string_view, ByName> m;
    for (const CpuKernelEntry& e : cpu_kernel_table()) m[e.domain].emplace(e.op_type, e.run);
    return m;
  }();
  auto d = by_domain.find(domain);
  if (d == by_domain.end()) return nullptr;
  auto it = d->second.find(op_type);
  return it == d->second.end() ? nullptr : it->second;
}

CpuKernelFn find_cpu_kernel(std::string_view op_type) { return find_cpu_kernel("", op_type); }

Result<std::vector<Tensor>> run_node(const Node& node, int64_t opset, const std::vector<const Tensor*>& inputs) {
  const OpSchema* schema = find_op_schema(node.domain, node.op_type);
  CpuKernelFn kernel = find_cpu_kernel(node.domain, node.op_type);
  if (!schema || !kernel) return unsupported("{}: no CPU kernel for this op", node.describe());
  // Arity is checked here too: run_node is also called on nodes that skipped check_supported_ops.
  const int n_in = static_cast<int>(inputs.size());
  if (n_in < schema->min_inputs || n_in > schema->max_inputs || inputs.size() != node.inputs.size())
    return invalid_argument("{}: {} inputs given, {} takes {}..{}", node.describe(), n_in, schema->name,
                            schema->min_inputs, schema->max_inputs);
  for (int i = 0; i < schema->min_inputs; ++i)
    if (!inputs[i]) return invalid_argument("{}: required input {} is missing", node.describe(), i);
  const int n_out = static_cast<int>(node.outputs.size());
  if (n_out < schema->min_outputs || n_out > schema->max_outputs)
    return invalid_argument("{}: {} outputs, {} takes {}..{}", node.describe(), n_out, schema->name,
                            schema->min_outputs, schema->max_outputs);

  std::vector<TensorInfo> infos(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i]) continue;
    infos[i] = TensorInfo{inputs[i]->dtype(), shape_from_dims(inputs[i]->dims()), inputs[i], true};
  }
  InferContext ictx(node, opset, std::move(infos));
  FOVEA_RETURN_IF_ERROR(schema->infer(ictx));

  std::vector<Tensor> outputs(node.outputs.size());
  for (size_t i = 0; i < node.outputs.size(); ++i) {
    if (!node.has_output(i)) continue;
    const TensorInfo& info = ictx.output(i);
    if (ictx.output_value(i)) {  // the shape function already computed the data
      outputs[i] = *ictx.output_value(i);
      continue;
    }
    if (!info.shape) return internal_error("{}: output {} has no shape at run time", node.describe(), i);
    FOVEA_ASSIGN_OR_RETURN(Dims dims, dims_from_shape(*info.shape, node.describe() + " output " + std::to_string(i)));
    auto t = Tensor::allocate(info.dtype, std::move(dims));
    if (!t.is_ok()) return t.status().with_context(node.describe() + " output '" + node.outputs[i]->name + "'");
    outputs[i] = std::move(t).value();
  }
  bool all_precomputed = true;
  for (size_t i = 0; i < node.outputs.size(); ++i)
    if (node.has_output(i) && !ictx.output_value(i)) all_precomputed = false;
  if (all_precomputed) return outputs;

  CpuKernelContext kctx(node, opset, inputs, outputs);
  FOVEA_RETURN_IF_ERROR(kernel(kctx));
  return outputs;
}

Result<std::unique_ptr<CpuExecutor>> CpuExecutor::create(const Graph& graph) {
  std::unique_ptr<CpuExecutor> ex(new CpuExecutor(graph));
  FOVEA_ASSIGN_OR_RETURN(ex->order_, graph.topological_order());
  std::string missing;
  for (const Node* n : ex->order_)
    if (!find_op_schema(n->domain, n->op_type) || !find_cpu_kernel(n->domain, n->op_type))
      missing += "\n  " + n->describe();
  if (!missing.empty()) return unsupported("no CPU kernel for:{}", missing);
  for (size_t i = 0; i < ex->order_.size(); ++i)
    for (const Value* v : ex->order_[i]->inputs)
      if (v) ex->last_use_[v] = i;
  return ex;
}

Status CpuExecutor::check_inputs(const std::map<std::string, Tensor>& inputs) const {
  std::map<std::string, int64_t> symbols;
  for (const Value* in : graph_.inputs) {
    auto it = inputs.find(in->name);
    if (it == inputs.end()) return not_found("no tensor given for graph input '{}'", in->name);
    const Tensor& t = it->second;
    if (t.dtype() != in->dtype)
      return invalid_argument("input '{}' has dtype {}, the model expects {}", in->name, dtype_name(t.dtype()),
                              dtype_name(in->dtype));
    if (!in->shape) continue;
    const Shape& s = *in->shape;
    if (s.size() != t.rank())
      return invalid_argument("input '{}' has shape {}, the model expects {}", in->name, dims_to_string(t.dims()),
                              shape_to_string(s));
    for (size_t d = 0; d < s.size(); ++d) {
      if (s[d].is_known() && s[d].value != t.dim(d))
        return invalid_argument("input '{}' has shape {}, the model expects {}", in->name, dims_to_string(t.dims()),
                                shape_to_string(s));
      if (s[d].is_symbolic()) {
        auto [pos, inserted] = symbols.emplace(s[d].symbol, t.dim(d));
        if (!inserted && pos->second != t.dim(d))
          return invalid_argument("input '{}' dim {} ('{}') is {}, but another input gives '{}' = {}", in->name, d,
                                  s[d].symbol, t.dim(d), s[d].symbol, pos->second);
      }
    }
  }
  for (const auto& [name, t] : inputs) {
    bool known = false;
    for (const Value* in : graph_.inputs) known |= in->name == name;
    if (!known) return not_found("the model has no input named '{}'", name);
  }
  return Status::ok();
}

Result<std::vector<Tensor>> CpuExecutor::run(const std::map<std::string, Tensor>& inputs) {
  FOVEA_RETURN_IF_ERROR(check_inputs(inputs));
  std::unordered_map<const Value*, Tensor> live;
  for (const Value* in : graph_.inputs) live[in] = inputs.at(in->name);
  auto lookup = [&](const Value* v) -> const Tensor* {
    auto it = live.find(v);
    if (it != live.end()) return &it->second;
    return v->constant ? &*v->constant : nullptr;
  };
  timings_.clear();
  for (size_t i = 0; i < order_.size(); ++i) {
    const Node* node = order_[i];
    bool folded = true;  // every output already known at build time
    for (const Value* out : node->outputs) folded &= !out || out->is_constant();
    if (!folded) {
      std::vector<const Tensor*> in(node->inputs.size(), nullptr);
      for (size_t k = 0; k < node->inputs.size(); ++k) {
        if (!node->inputs[k]) continue;
        in[k] = lookup(node->inputs[k]);
        if (!in[k]) return internal_error("{}: input '{}' was not computed", node->describe(), node->inputs[k]->name);
      }
      const auto start = std::chrono::steady_clock::now();
      FOVEA_ASSIGN_OR_RETURN(std::vector<Tensor> outs, run_node(*node, graph_.opset, in));
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      timings_.push_back({node, ms});
      for (size_t k = 0; k < node->outputs.size(); ++k)
        if (node->outputs[k]) live[node->outputs[k]] = std::move(outs[k]);
    }
    // Free values whose last reader was this node, unless they are graph outputs.
    for (const Value* v : node->inputs) {
      if (!v || last_use_[v] != i) continue;
      bool is_output = false;
      for (const Value* o : graph_.outputs) is_output |= o == v;
      if (!is_output) live.erase(v);
    }
  }
  std::vector<Tensor> result;
  for (const Value* out : graph_.outputs) {
    const Tensor* t = lookup(out);
    if (!t) return internal_error("graph output '{}' was not computed", out->name);
    result.push_back(*t);
  }
  return result;
}

}  // namespace fovea::cpu
