#include "ops/op_def.h"

#include <unordered_map>

namespace fovea {

InferContext::InferContext(const Node& node, int64_t opset, std::vector<TensorInfo> inputs)
    : node_(node), opset_(opset), inputs_(std::move(inputs)),
      outputs_(node.outputs.size()), output_values_(node.outputs.size()) {}

std::optional<std::vector<SymbolicInt>> InferContext::input_symbolic_ints(size_t i) const {
  if (!has_input(i)) return std::nullopt;
  if (const Tensor* t = inputs_[i].value) {
    if (t->rank() > 1 || !dtype_is_integer(t->dtype())) return std::nullopt;
    std::vector<SymbolicInt> ints;
    for (int64_t k = 0; k < t->numel(); ++k) ints.push_back({t->int_at(k), {}});
    return ints;
  }
  return inputs_[i].symbolic_value;
}

Result<int64_t> InferContext::input_rank(size_t i) const {
  if (!has_input(i)) return error("input {} is missing", i);
  if (!inputs_[i].shape) return unsupported_here("the rank of input {} is unknown", i);
  return static_cast<int64_t>(inputs_[i].shape->size());
}

Result<Shape> InferContext::require_shape(size_t i) const {
  if (!has_input(i)) return error("input {} is missing", i);
  if (!inputs_[i].shape) return unsupported_here("the rank of input {} is unknown", i);
  return *inputs_[i].shape;
}

void InferContext::set_output(size_t i, DType dtype, std::optional<Shape> shape) {
  if (i >= outputs_.size()) return;
  outputs_[i].dtype = dtype;
  outputs_[i].shape = std::move(shape);
  outputs_[i].present = node_.has_output(i);
}

void InferContext::set_output_value(size_t i, Tensor value) {
  if (i >= outputs_.size()) return;
  set_output(i, value.dtype(), shape_from_dims(value.dims()));
  output_values_[i] = std::move(value);
  outputs_[i].value = &*output_values_[i];
}

const OpSchema* find_op_schema(std::string_view domain, std::string_view op_type) {
  if (domain == "ai.onnx") domain = "";
  // Looked up for every node of every run: index the table once, by domain then name.
  using ByName = std::unordered_map<std::string_view, const OpSchema*>;
  static const std::unordered_map<std::string_view, ByName> by_domain = [] {
    std::unordered_map<std::string_view, ByName> m;
    for (const OpSchema& s : op_table()) m[s.domain].emplace(s.name, &s);
    return m;
  }();
  auto d = by_domain.find(domain);
  if (d == by_domain.end()) return nullptr;
  auto it = d->second.find(op_type);
  return it == d->second.end() ? nullptr : it->second;
}

}  // namespace fovea
