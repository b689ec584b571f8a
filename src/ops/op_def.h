// What fovea knows about an op: arity and a shape function. The same shape function runs at
// build time (symbolic shapes, values only where known) and at run time (all shapes concrete,
// all input values known), so a kernel never recomputes its output shapes.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "ir/graph.h"

namespace fovea {

// An integer element of a shape tensor at build time: a known value, a symbolic dim ("batch"),
// or unknown (neither).
struct SymbolicInt {
  std::optional<int64_t> value;
  std::string symbol;
  bool operator==(const SymbolicInt& o) const { return value == o.value && symbol == o.symbol; }
};

struct TensorInfo {
  DType dtype = DType::kUndefined;
  std::optional<Shape> shape;   // nullopt: rank unknown
  const Tensor* value = nullptr; // data, when known
  bool present = false;          // false for an omitted optional input
  // For small 1-D/0-D integer tensors computed from shapes (Shape -> Gather -> Concat ...): the
  // elements as dims, symbolic where the value is a symbolic dim. Lets Reshape/Expand keep
  // "batch" symbolic. Empty when not tracked; `value`, when set, takes precedence.
  std::optional<std::vector<SymbolicInt>> symbolic_value;
};

class InferContext {
 public:
  InferContext(const Node& node, int64_t opset, std::vector<TensorInfo> inputs);

  const Node& node() const { return node_; }
  int64_t opset() const { return opset_; }

  size_t num_inputs() const { return inputs_.size(); }
  bool has_input(size_t i) const { return i < inputs_.size() && inputs_[i].present; }
  const TensorInfo& input(size_t i) const { return inputs_[i]; }
  DType input_dtype(size_t i) const { return inputs_[i].dtype; }
  const std::optional<Shape>& input_shape(size_t i) const { return inputs_[i].shape; }
  // Data of input i when known (constant at build time; always at run time), else nullptr.
  const Tensor* input_value(size_t i) const { return has_input(i) ? inputs_[i].value : nullptr; }
  // Input i's elements when known, or symbolic where they come from symbolic dims (Shape of a
  // [batch,...] tensor); nullopt when untracked. Only for 0-D/1-D integer inputs.
  std::optional<std::vector<SymbolicInt>> input_symbolic_ints(size_t i) const;
  // Rank of input i, or an error naming the node and input when it is unknown.
  Result<int64_t> input_rank(size_t i) const;
  // Shape of input i, or an error when the rank is unknown.
  Result<Shape> require_shape(size_t i) const;

  size_t num_outputs() const { return outputs_.size(); }
  bool has_output(size_t i) const { return node_.has_output(i); }
  void set_output(size_t i, DType dtype, std::optional<Shape> shape);
  // Records a value known for output i (shape ops on static shapes); it also sets dtype and shape.
  void set_output_value(size_t i, Tensor value);

  const TensorInfo& output(size_t i) const { return outputs_[i]; }
  const std::optional<Tensor>& output_value(size_t i) const { return output_values_[i]; }

  // Error helpers that prefix the node's name and type.
  template <typename... Args>
  Status error(fmt::format_string<Args...> f, Args&&... args) const {
    return invalid_argument("{}: {}", node_.describe(), fmt::format(f, std::forward<Args>(args)...));
  }
  template <typename... Args>
  Status unsupported_here(fmt::format_string<Args...> f, Args&&... args) const {
    return unsupported("{}: {}", node_.describe(), fmt::format(f, std::forward<Args>(args)...));
  }

 private:
  const Node& node_;
  int64_t opset_;
  std::vector<TensorInfo> inputs_;
  std::vector<TensorInfo> outputs_;
  std::vector<std::optional<Tensor>> output_values_;
};

using InferFn = Status (*)(InferContext&);

struct OpSchema {
  std::string_view name;
  int min_inputs;
  int max_inputs;    // kVariadic for no limit
  int min_outputs;
  int max_outputs;
  InferFn infer;
  std::string_view domain = {};  // "" for the default ONNX domain; "fovea" for the fused ops
};

inline constexpr int kVariadic = 1 << 20;

// The op table: every op fovea supports, default ONNX domain and domain "fovea".
const std::vector<OpSchema>& op_table();
// The schema for (domain, op_type), or nullptr. "" and "ai.onnx" are the default domain.
const OpSchema* find_op_schema(std::string_view domain, std::string_view op_type);

}  // namespace fovea
