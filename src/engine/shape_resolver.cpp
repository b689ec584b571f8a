#include "engine/shape_resolver.h"

#include <algorithm>

#include "backends/cpu/cpu_executor.h"
#include "ops/op_def.h"

namespace fovea {

bool is_shape_input_slot(const std::string& op_type, size_t index) {
  static const std::map<std::string, std::vector<size_t>> slots = {
      {"Reshape", {1}},       {"Expand", {1}},      {"Tile", {1}},         {"Slice", {1, 2, 3, 4}},
      {"Resize", {1, 2, 3}},  {"Upsample", {1}},    {"Pad", {1, 2, 3}},    {"Split", {1}},
      {"Squeeze", {1}},       {"Unsqueeze", {1}},   {"ConstantOfShape", {0}}, {"Range", {0, 1, 2}},
      {"TopK", {1}},          {"ReduceSum", {1}},   {"ReduceMean", {1}},   {"ReduceMax", {1}},
      {"ReduceMin", {1}},     {"ReduceProd", {1}},  {"ReduceL1", {1}},     {"ReduceL2", {1}},
      {"ReduceLogSum", {1}},  {"ReduceLogSumExp", {1}}, {"ReduceSumSquare", {1}}, {"OneHot", {1}},
      {"CumSum", {1}},        {"Trilu", {1}},       {"Dropout", {1, 2}},   {"NonMaxSuppression", {2, 3, 4}},
      {"MaxUnpool", {2}},
  };
  auto it = slots.find(op_type);
  return it != slots.end() && std::find(it->second.begin(), it->second.end(), index) != it->second.end();
}

Status ShapeResolver::set_inputs(const std::map<std::string, Dims>& input_dims,
                                 const std::map<std::string, Tensor>& host_input_values) {
  dims_.clear();
  host_values_.clear();
  std::map<std::string, int64_t> symbols;
  for (const Value* in : graph_.inputs) {
    auto it = input_dims.find(in->name);
    if (it == input_dims.end()) return invalid_argument("no dims given for graph input '{}'", in->name);
    const Dims& d = it->second;
    if (in->shape) {
      const Shape& s = *in->shape;
      if (s.size() != d.size())
        return invalid_argument("input '{}' has shape {}, the model expects {}", in->name, dims_to_string(d),
                                shape_to_string(s));
      for (size_t k = 0; k < s.size(); ++k) {
        if (s[k].is_known() && s[k].value != d[k])
          return invalid_argument("input '{}' has shape {}, the model expects {}", in->name, dims_to_string(d),
                                  shape_to_string(s));
        if (s[k].is_symbolic()) {
          auto [pos, inserted] = symbols.emplace(s[k].symbol, d[k]);
          if (!inserted && pos->second != d[k])
            return invalid_argument("input '{}' dim {} ('{}') is {}, but another input gives '{}' = {}", in->name,
                                    k, s[k].symbol, d[k], s[k].symbol, pos->second);
        }
      }
    }
    for (int64_t x : d)
      if (x < 0) return invalid_argument("input '{}': negative dim in {}", in->name, dims_to_string(d));
    dims_[in] = d;
  }
  for (const auto& [name, d] : input_dims)
    if (!graph_.find_value(name) || graph_.find_value(name)->producer)
      return not_found("the model has no input named '{}'", name);
  for (const auto& [name, t] : host_input_values) {
    const Value* v = graph_.find_value(name);
    if (!v || !dims_.count(v)) return not_found("the model has no input named '{}'", name);
    if (t.dims() != dims_[v] || t.dtype() != v->dtype)
      return invalid_argument("host value of input '{}' is {} {}, the input is {} {}", name, dtype_name(t.dtype()),
                              dims_to_string(t.dims()), dtype_name(v->dtype), dims_to_string(dims_[v]));
    host_values_[v] = t;
  }
  return Status::ok();
}

const Dims* ShapeResolver::dims(const Value* v) const {
  auto it = dims_.find(v);
  if (it != dims_.end()) return &it->second;
  return v->constant ? &v->constant->dims() : nullptr;
}

const Tensor* ShapeResolver::host_value(const Value* v) const {
  if (v->constant) return &*v->constant;
  auto it = host_values_.find(v);
  return it == host_values_.end() ? nullptr : &it->second;
}

Result<NodePlacement> ShapeResolver::resolve(const Node& node, bool device_data_dependent) {
  // Folded at build time: every output is already a constant.
  bool folded = true;
  for (const Value* o : node.outputs) folded &= !o || o->is_constant();
  if (folded) return NodePlacement::kHost;
  const OpSchema* schema = find_op_schema(node.domain, node.op_type);
  if (!schema) return unsupported("{}: unknown op", node.describe());
  std::vector<TensorInfo> infos(node.inputs.size());
  std::vector<const Tensor*> host_inputs(node.inputs.size(), nullptr);
  bool all_host = true;
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    const Value* v = node.inputs[i];
    if (!v) continue;
    const Dims* d = dims(v);
    if (!d) return internal_error("{}: input '{}' has no resolved dims", node.describe(), v->name);
    host_inputs[i] = host_value(v);
    all_host &= host_inputs[i] != nullptr;
    infos[i] = TensorInfo{v->dtype, shape_from_dims(*d), host_inputs[i], true};
  }
  InferContext ictx(node, graph_.opset, std::move(infos));
  FOVEA_RETURN_IF_ERROR(schema->infer(ictx));

  // Outputs the shape function computed itself (Shape, Size, constant arithmetic).
  bool all_values = true;
  for (size_t i = 0; i < node.outputs.size(); ++i)
    if (node.has_output(i) && !ictx.output_value(i)) all_values = false;
  if (all_values) {
    for (size_t i = 0; i < node.outputs.size(); ++i) {
      if (!node.has_output(i)) continue;
      dims_[node.outputs[i]] = ictx.output_value(i)->dims();
      host_values_[node.outputs[i]] = *ictx.output_value(i);
    }
    return NodePlacement::kHost;
  }

  // Concrete output dims, unless they depend on the data.
  std::vector<Dims> out_dims(node.outputs.size());
  bool concrete = true;
  int64_t out_elements = 0;
  for (size_t i = 0; i < node.outputs.size(); ++i) {
    if (!node.has_output(i)) continue;
    const auto& shape = ictx.output(i).shape;
    if (!shape) { concrete = false; continue; }
    auto d = dims_from_shape(*shape, node.describe());
    if (!d.is_ok()) { concrete = false; continue; }
    out_dims[i] = std::move(d).value();
    out_elements += element_count(out_dims[i]);
  }

  if (all_host && (!concrete || out_elements <= kMaxHostElements)) {
    FOVEA_ASSIGN_OR_RETURN(std::vector<Tensor> outs, cpu::run_node(node, graph_.opset, host_inputs));
    for (size_t i = 0; i < node.outputs.size(); ++i) {
      if (!node.has_output(i)) continue;
      dims_[node.outputs[i]] = outs[i].dims();
      host_values_[node.outputs[i]] = std::move(outs[i]);
    }
    return NodePlacement::kHost;
  }
  if (!concrete) {
    if (!device_data_dependent)
      return internal_error("{}: output shape unknown before the run, but the op is not data-dependent",
                            node.describe());
    return NodePlacement::kDeviceDataDependent;
  }
  for (size_t i = 0; i < node.outputs.size(); ++i)
    if (node.has_output(i)) dims_[node.outputs[i]] = std::move(out_dims[i]);
  return device_data_dependent ? NodePlacement::kDeviceDataDependent : NodePlacement::kDevice;
}

std::string shape_signature(const std::map<std::string, Dims>& input_dims) {
  std::string s;
  for (const auto& [name, d] : input_dims) s += name + ":" + dims_to_string(d) + ";";
  return s;
}

}  // namespace fovea
