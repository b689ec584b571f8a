// The graph IR: a Graph owns Values (tensors flowing between nodes, with dtype and a possibly
// symbolic shape) and Nodes (an op with attributes). Initializers are Values with constant data.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/shape.h"
#include "core/status.h"
#include "core/tensor.h"
#include "ir/attribute.h"

namespace fovea {

class Node;

struct Value {
  std::string name;
  DType dtype = DType::kUndefined;
  std::optional<Shape> shape;         // nullopt when even the rank is unknown
  Node* producer = nullptr;           // null for graph inputs and initializers
  std::vector<Node*> consumers;
  std::optional<Tensor> constant;     // initializer data, or a value known at build time

  bool is_constant() const { return constant.has_value(); }
};

class Node {
 public:
  std::string name;
  std::string op_type;
  std::string domain;                 // "" is the default ONNX domain
  std::vector<Value*> inputs;         // nullptr marks an omitted optional input
  std::vector<Value*> outputs;        // nullptr marks an omitted optional output
  std::vector<Attribute> attributes;

  const Attribute* find_attribute(const std::string& attr_name) const;
  bool has_attribute(const std::string& attr_name) const { return find_attribute(attr_name) != nullptr; }

  // Typed lookups: the default when absent, an error naming node and attribute when of the wrong type.
  Result<int64_t> attr_int(const std::string& attr_name, int64_t fallback) const;
  Result<float> attr_float(const std::string& attr_name, float fallback) const;
  Result<std::string> attr_string(const std::string& attr_name, const std::string& fallback) const;
  Result<std::vector<int64_t>> attr_ints(const std::string& attr_name, std::vector<int64_t> fallback = {}) const;
  Result<std::vector<float>> attr_floats(const std::string& attr_name, std::vector<float> fallback = {}) const;
  Result<std::vector<std::string>> attr_strings(const std::string& attr_name) const;
  Result<Tensor> attr_tensor(const std::string& attr_name) const;

  // Number of inputs present counting omitted optional inputs in the middle, i.e. inputs.size().
  size_t num_inputs() const { return inputs.size(); }
  bool has_input(size_t i) const { return i < inputs.size() && inputs[i] != nullptr; }
  bool has_output(size_t i) const { return i < outputs.size() && outputs[i] != nullptr; }

  // "node 'name' (OpType)", for error messages.
  std::string describe() const;

  // Editing, for graph rewrites.
  void erase_attribute(std::string_view attr_name);
  void set_attribute(const std::string& attr_name, AttributeValue value);  // replaces any existing one
  // Points input i at `v` (nullptr: omitted), keeping both values' consumer lists right.
  void replace_input(size_t i, Value* v);
  // Drops inputs from the end until `count` remain.
  void truncate_inputs(size_t count);
};

class Graph {
 public:
  Graph() = default;
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;
  Graph(Graph&&) = default;
  Graph& operator=(Graph&&) = default;

  std::string name;
  int64_t opset = 0;                  // default-domain opset the ops follow (7 after legacy lowering)
  int64_t model_opset = 0;            // default-domain opset the model file declares
  int64_t ir_version = 0;
  std::string producer;               // producer_name and version of the model file

  // Creates a value; the name must be unique (empty names are made unique).
  Result<Value*> add_value(const std::string& value_name);
  Value* find_value(const std::string& value_name) const;
  // A new value named `base`, or `base_1`, `base_2`, ... when that name is taken.
  Result<Value*> add_value_with_unique_name(const std::string& base);
  // A new constant value (an initializer) holding `t`.
  Result<Value*> add_constant(const std::string& base, Tensor t);
  Node* add_node(std::string node_name, std::string op_type);
  // Links `node` as producer of its outputs and consumer of its inputs (after inputs/outputs set).
  Status connect(Node* node);

  const std::vector<std::unique_ptr<Node>>& nodes() const { return nodes_; }
  const std::vector<std::unique_ptr<Value>>& values() const { return values_; }

  std::vector<Value*> inputs;         // runtime inputs (initializers excluded)
  std::vector<Value*> outputs;

  // Nodes in an order where every input is produced before it is read; an error naming a node
  // on the cycle when there is one.
  Result<std::vector<Node*>> topological_order() const;

  // Readable text dump: inputs, outputs, initializers (name, dtype, shape) and nodes in order.
  std::string dump(bool with_initializers = false) const;

  // Removes nodes for which `dead` is true and values no longer referenced. Keeps graph I/O.
  void remove_nodes(const std::vector<Node*>& dead);

 private:
  std::vector<std::unique_ptr<Value>> values_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::map<std::string, Value*> value_by_name_;
  size_t unnamed_counter_ = 0;
};

}  // namespace fovea
