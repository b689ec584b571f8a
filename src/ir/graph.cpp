#include "ir/graph.h"

#include <algorithm>
#include <queue>
#include <unordered_map>
#include <unordered_set>

namespace fovea {

const Attribute* Node::find_attribute(const std::string& attr_name) const {
  for (const Attribute& a : attributes)
    if (a.name == attr_name) return &a;
  return nullptr;
}

std::string Node::describe() const { return fmt::format("node '{}' ({})", name, op_type); }

namespace {

template <typename T>
Result<T> typed_attr(const Node& n, const std::string& attr_name, const char* want, T fallback) {
  const Attribute* a = n.find_attribute(attr_name);
  if (!a) return fallback;
  if (const T* v = std::get_if<T>(&a->value)) return *v;
  return invalid_argument("{}: attribute '{}' is of type {}, expected {}", n.describe(), attr_name, a->type_name(), want);
}

}  // namespace

Result<int64_t> Node::attr_int(const std::string& n, int64_t fallback) const { return typed_attr<int64_t>(*this, n, "int", fallback); }
Result<float> Node::attr_float(const std::string& n, float fallback) const { return typed_attr<float>(*this, n, "float", fallback); }
Result<std::string> Node::attr_string(const std::string& n, const std::string& fallback) const {
  return typed_attr<std::string>(*this, n, "string", fallback);
}
Result<std::vector<int64_t>> Node::attr_ints(const std::string& n, std::vector<int64_t> fallback) const {
  return typed_attr<std::vector<int64_t>>(*this, n, "ints", std::move(fallback));
}
Result<std::vector<float>> Node::attr_floats(const std::string& n, std::vector<float> fallback) const {
  return typed_attr<std::vector<float>>(*this, n, "floats", std::move(fallback));
}
Result<std::vector<std::string>> Node::attr_strings(const std::string& n) const {
  return typed_attr<std::vector<std::string>>(*this, n, "strings", {});
}
Result<Tensor> Node::attr_tensor(const std::string& n) const {
  const Attribute* a = find_attribute(n);
  if (!a) return not_found("{}: missing attribute '{}'", describe(), n);
  if (const Tensor* t = std::get_if<Tensor>(&a->value)) return *t;
  return invalid_argument("{}: attribute '{}' is of type {}, expected tensor", describe(), n, a->type_name());
}

void Node::erase_attribute(std::string_view attr_name) {
  std::erase_if(attributes, [&](const Attribute& a) { return a.name == attr_name; });
}

void Node::set_attribute(const std::string& attr_name, AttributeValue value) {
  erase_attribute(attr_name);
  attributes.push_back(Attribute{attr_name, std::move(value)});
}

void Node::replace_input(size_t i, Value* v) {
  Value* old = inputs[i];
  inputs[i] = v;
  if (old && std::find(inputs.begin(), inputs.end(), old) == inputs.end()) std::erase(old->consumers, this);
  if (v && std::find(v->consumers.begin(), v->consumers.end(), this) == v->consumers.end())
    v->consumers.push_back(this);
}

void Node::truncate_inputs(size_t count) {
  while (inputs.size() > count) {
    replace_input(inputs.size() - 1, nullptr);
    inputs.pop_back();
  }
}

Result<Value*> Graph::add_value_with_unique_name(const std::string& base) {
  std::string n = base;
  for (int i = 1; find_value(n); ++i) n = base + "_" + std::to_string(i);
  return add_value(n);
}

Result<Value*> Graph::add_constant(const std::string& base, Tensor t) {
  FOVEA_ASSIGN_OR_RETURN(Value * v, add_value_with_unique_name(base));
  v->dtype = t.dtype();
  v->shape = shape_from_dims(t.dims());
  v->constant = std::move(t);
  return v;
}

Result<Value*> Graph::add_value(const std::string& value_name) {
  std::string n = value_name;
  if (n.empty()) {
    do n = fmt::format("__unnamed_{}", unnamed_counter_++);
    while (value_by_name_.count(n));
  }
  if (value_by_name_.count(n)) return invalid_argument("tensor '{}' is defined more than once", n);
  values_.push_back(std::make_unique<Value>());
  Value* v = values_.back().get();
  v->name = n;
  value_by_name_[n] = v;
  return v;
}

Value* Graph::find_value(const std::string& value_name) const {
  auto it = value_by_name_.find(value_name);
  return it == value_by_name_.end() ? nullptr : it->second;
}

Node* Graph::add_node(std::string node_name, std::string op_type) {
  nodes_.push_back(std::make_unique<Node>());
  Node* n = nodes_.back().get();
  n->name = std::move(node_name);
  n->op_type = std::move(op_type);
  return n;
}

Status Graph::connect(Node* node) {
  for (Value* out : node->outputs) {
    if (!out) continue;
    if (out->producer && out->producer != node)
      return invalid_argument("tensor '{}' is produced by both {} and {}", out->name, out->producer->describe(),
                              node->describe());
    if (out->is_constant()) return invalid_argument("{} writes to initializer '{}'", node->describe(), out->name);
    out->producer = node;
  }
  for (Value* in : node->inputs)
    if (in && std::find(in->consumers.begin(), in->consumers.end(), node) == in->consumers.end())
      in->consumers.push_back(node);
  return Status::ok();
}

Result<std::vector<Node*>> Graph::topological_order() const {
  // Kahn's algorithm; among ready nodes the earliest in file order goes first, so the order is stable.
  std::unordered_map<const Node*, size_t> index, pending;
  for (size_t i = 0; i < nodes_.size(); ++i) index[nodes_[i].get()] = i;
  for (const auto& n : nodes_) {
    std::unordered_set<const Node*> producers;
    for (Value* in : n->inputs)
      if (in && in->producer) producers.insert(in->producer);
    pending[n.get()] = producers.size();
  }
  auto later = [&](const Node* a, const Node* b) { return index[a] > index[b]; };
  std::priority_queue<Node*, std::vector<Node*>, decltype(later)> ready(later);
  for (const auto& n : nodes_)
    if (pending[n.get()] == 0) ready.push(n.get());
  std::vector<Node*> order;
  order.reserve(nodes_.size());
  while (!ready.empty()) {
    Node* n = ready.top();
    ready.pop();
    order.push_back(n);
    std::unordered_set<const Node*> released;
    for (Value* out : n->outputs) {
      if (!out) continue;
      for (Node* c : out->consumers)
        if (released.insert(c).second && --pending[c] == 0) ready.push(c);
    }
  }
  if (order.size() != nodes_.size()) {
    for (const auto& n : nodes_)
      if (pending[n.get()] != 0) return invalid_argument("the graph has a cycle through {}", n->describe());
  }
  return order;
}

std::string Graph::dump(bool with_initializers) const {
  auto value_str = [](const Value* v) {
    if (!v) return std::string("<none>");
    return fmt::format("{}: {}{}", v->name, dtype_name(v->dtype), v->shape ? shape_to_string(*v->shape) : "[?]");
  };
  std::string out = fmt::format("graph '{}' (opset {}, {} nodes)\n", name, opset, nodes_.size());
  for (const Value* v : inputs) out += "  input  " + value_str(v) + "\n";
  for (const Value* v : outputs) out += "  output " + value_str(v) + "\n";
  if (with_initializers)
    for (const auto& v : values_)
      if (v->is_constant() && !v->producer) out += "  init   " + value_str(v.get()) + "\n";
  auto order = topological_order();
  const std::vector<Node*>* nodes = order.is_ok() ? &order.value() : nullptr;
  std::vector<Node*> file_order;
  if (!nodes) {
    for (const auto& n : nodes_) file_order.push_back(n.get());
    nodes = &file_order;
  }
  for (const Node* n : *nodes) {
    std::string ins, outs;
    for (const Value* v : n->inputs) ins += (ins.empty() ? "" : ", ") + (v ? v->name : std::string("<none>"));
    for (const Value* v : n->outputs) outs += (outs.empty() ? "" : ", ") + value_str(v);
    out += fmt::format("  {} = {}[{}]({})\n", outs, n->op_type, n->name, ins);
  }
  return out;
}

void Graph::remove_nodes(const std::vector<Node*>& dead) {
  std::unordered_set<Node*> dead_set(dead.begin(), dead.end());
  for (auto& v : values_) {
    if (v->producer && dead_set.count(v->producer)) v->producer = nullptr;
    std::erase_if(v->consumers, [&](Node* c) { return dead_set.count(c) > 0; });
  }
  std::erase_if(nodes_, [&](const std::unique_ptr<Node>& n) { return dead_set.count(n.get()) > 0; });
  std::unordered_set<const Value*> keep(inputs.begin(), inputs.end());
  keep.insert(outputs.begin(), outputs.end());
  std::erase_if(values_, [&](const std::unique_ptr<Value>& v) {
    bool unused = !v->producer && v->consumers.empty() && !keep.count(v.get());
    if (unused) value_by_name_.erase(v->name);
    return unused;
  });
}

}  // namespace fovea
