#include "ir/onnx/onnx_exporter.h"

#include <limits>
#include <set>

#include <onnx/onnx_pb.h>

namespace fovea {
namespace {

// Initializer-free graph inputs need IR version 4 or newer; older models are written as 4.
constexpr int64_t kMinExportIrVersion = 4;

bool is_initializer(const Value* v) { return v->is_constant() && !v->producer; }

// Tensor data as raw_data (little-endian, as in memory on the hosts fovea runs on); bool is one
// byte per element, float16 / bfloat16 are their 16-bit patterns.
Status tensor_to_proto(const Tensor& t, const std::string& name, onnx::TensorProto* proto) {
  if (!t.defined()) return invalid_argument("tensor '{}' has no data type", name);
  proto->set_name(name);
  proto->set_data_type(static_cast<int32_t>(t.dtype()));
  for (int64_t d : t.dims()) proto->add_dims(d);
  const auto bytes = t.bytes();
  proto->set_raw_data(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  return Status::ok();
}

void shape_to_proto(const Shape& shape, onnx::TensorShapeProto* proto) {
  for (const Dim& d : shape) {
    auto* dim = proto->add_dim();
    if (d.is_known()) dim->set_dim_value(d.value);
    else if (d.is_symbolic()) dim->set_dim_param(d.symbol);
    // An unknown dim is a dim with neither field set.
  }
}

void value_info_to_proto(const Value& v, onnx::ValueInfoProto* proto) {
  proto->set_name(v.name);
  auto* tensor_type = proto->mutable_type()->mutable_tensor_type();
  if (v.dtype != DType::kUndefined) tensor_type->set_elem_type(static_cast<int32_t>(v.dtype));
  if (v.shape) shape_to_proto(*v.shape, tensor_type->mutable_shape());
}

Status attribute_to_proto(const Attribute& attr, const Node& node, onnx::AttributeProto* proto) {
  proto->set_name(attr.name);
  const AttributeValue& value = attr.value;
  if (const auto* i = std::get_if<int64_t>(&value)) {
    proto->set_type(onnx::AttributeProto::INT);
    proto->set_i(*i);
  } else if (const auto* f = std::get_if<float>(&value)) {
    proto->set_type(onnx::AttributeProto::FLOAT);
    proto->set_f(*f);
  } else if (const auto* s = std::get_if<std::string>(&value)) {
    proto->set_type(onnx::AttributeProto::STRING);
    proto->set_s(*s);
  } else if (const auto* t = std::get_if<Tensor>(&value)) {
    proto->set_type(onnx::AttributeProto::TENSOR);
    Status s = tensor_to_proto(*t, "", proto->mutable_t());
    if (!s.is_ok()) return s.with_context(fmt::format("{} attribute '{}'", node.describe(), attr.name));
  } else if (const auto* ints = std::get_if<std::vector<int64_t>>(&value)) {
    proto->set_type(onnx::AttributeProto::INTS);
    for (int64_t x : *ints) proto->add_ints(x);
  } else if (const auto* floats = std::get_if<std::vector<float>>(&value)) {
    proto->set_type(onnx::AttributeProto::FLOATS);
    for (float x : *floats) proto->add_floats(x);
  } else if (const auto* strings = std::get_if<std::vector<std::string>>(&value)) {
    proto->set_type(onnx::AttributeProto::STRINGS);
    for (const std::string& x : *strings) proto->add_strings(x);
  } else {
    return internal_error("{} attribute '{}' has an attribute type the exporter does not know", node.describe(), attr.name);
  }
  return Status::ok();
}

// A node input must be something the importer can resolve: a graph input, an initializer or
// another node's output.
Status check_input_defined(const Graph& graph, const Node& node, const Value* v) {
  if (graph.find_value(v->name) != v)
    return internal_error("{}: input '{}' does not belong to this graph", node.describe(), v->name);
  if (v->producer || v->is_constant()) return Status::ok();
  for (const Value* in : graph.inputs)
    if (in == v) return Status::ok();
  return invalid_argument("{}: input '{}' is not a graph input, an initializer or any node's output", node.describe(), v->name);
}

Status node_to_proto(const Graph& graph, const Node& node, onnx::NodeProto* proto) {
  proto->set_name(node.name);
  proto->set_op_type(node.op_type);
  if (!node.domain.empty()) proto->set_domain(node.domain);
  for (const Value* v : node.inputs) {
    if (v) FOVEA_RETURN_IF_ERROR(check_input_defined(graph, node, v));
    proto->add_input(v ? v->name : std::string());  // "" marks an omitted optional input
  }
  for (const Value* v : node.outputs) proto->add_output(v ? v->name : std::string());
  for (const Attribute& attr : node.attributes) FOVEA_RETURN_IF_ERROR(attribute_to_proto(attr, node, proto->add_attribute()));
  return Status::ok();
}

}  // namespace

Result<std::string> export_onnx_model(const Graph& graph) {
  if (graph.opset < 1) return invalid_argument("graph '{}' has opset {}; an ONNX model needs opset 1 or newer", graph.name, graph.opset);
  if (graph.outputs.empty()) return invalid_argument("graph '{}' has no outputs", graph.name);
  FOVEA_ASSIGN_OR_RETURN(std::vector<Node*> order, graph.topological_order());

  onnx::ModelProto model;
  model.set_ir_version(std::max(graph.ir_version, kMinExportIrVersion));
  model.set_producer_name("fovea");
  model.set_producer_version(FOVEA_VERSION);
  // Where the graph came from originally (a re-exported fovea graph keeps its first producer).
  if (!graph.producer.empty() && !graph.producer.starts_with("fovea")) {
    auto* prop = model.add_metadata_props();
    prop->set_key("source_producer");
    prop->set_value(graph.producer);
  }
  auto* default_opset = model.add_opset_import();
  default_opset->set_domain("");
  default_opset->set_version(graph.opset);
  std::set<std::string> other_domains;
  for (const Node* n : order)
    if (!n->domain.empty()) other_domains.insert(n->domain);
  for (const std::string& domain : other_domains) {
    auto* opset = model.add_opset_import();
    opset->set_domain(domain);
    opset->set_version(kFoveaDomainOpsetVersion);
  }

  onnx::GraphProto* g = model.mutable_graph();
  g->set_name(graph.name);
  std::set<const Value*> io;  // graph inputs and outputs: typed in input / output, not value_info
  std::set<const Value*> runtime_inputs;
  for (const Value* v : graph.inputs) {
    io.insert(v);
    runtime_inputs.insert(v);
    if (is_initializer(v)) continue;  // fovea's inputs exclude initializers
    if (v->dtype == DType::kUndefined) return invalid_argument("graph input '{}' has no element type", v->name);
    value_info_to_proto(*v, g->add_input());
  }
  for (const Value* v : graph.outputs) {
    if (!v->producer && !v->is_constant() && !runtime_inputs.contains(v))
      return invalid_argument("graph output '{}' is not produced by any node, input or initializer", v->name);
    io.insert(v);
    value_info_to_proto(*v, g->add_output());
  }
  for (const auto& v : graph.values()) {
    if (is_initializer(v.get())) {
      FOVEA_RETURN_IF_ERROR(tensor_to_proto(*v->constant, v->name, g->add_initializer()));
    } else if (!io.contains(v.get()) && v->producer && (v->dtype != DType::kUndefined || v->shape)) {
      value_info_to_proto(*v, g->add_value_info());
    }
  }
  for (const Node* n : order) FOVEA_RETURN_IF_ERROR(node_to_proto(graph, *n, g->add_node()));

  const size_t size = model.ByteSizeLong();
  if (size > static_cast<size_t>(std::numeric_limits<int>::max()))
    return out_of_range("graph '{}' needs {} bytes as ONNX; protobuf cannot serialize a model over 2 GiB", graph.name, size);
  std::string bytes;
  if (!model.SerializeToString(&bytes)) return internal_error("serializing graph '{}' as ONNX failed", graph.name);
  return bytes;
}

}  // namespace fovea
