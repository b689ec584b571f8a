#include "ir/onnx/onnx_importer.h"

#include <filesystem>
#include <fstream>
#include <limits>

#include <google/protobuf/io/coded_stream.h>
#include <onnx/onnx_pb.h>

#include "core/logging.h"
#include "ir/onnx/tensor_proto.h"

namespace fovea {
namespace {

namespace fs = std::filesystem;

Result<std::string> read_file(const std::string& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return io_error("'{}' is not a readable file", path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error("cannot open '{}'", path);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return data;
}

template <typename Proto>
bool parse_proto(Proto& proto, std::span<const std::byte> bytes) {
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max())) return false;
  google::protobuf::io::CodedInputStream stream(reinterpret_cast<const uint8_t*>(bytes.data()),
                                                static_cast<int>(bytes.size()));
  stream.SetRecursionLimit(64);
  return proto.ParseFromCodedStream(&stream) && stream.ConsumedEntireMessage();
}

Shape shape_from_proto(const onnx::TensorShapeProto& s) {
  Shape shape;
  for (const auto& d : s.dim()) {
    if (d.has_dim_value() && d.dim_value() >= 0) shape.push_back(Dim::known(d.dim_value()));
    else if (d.has_dim_param() && !d.dim_param().empty()) shape.push_back(Dim::symbolic(d.dim_param()));
    else shape.push_back(Dim::unknown());
  }
  return shape;
}

// Applies a ValueInfoProto's type to a value. Non-tensor types (sequences, maps) are refused.
Status apply_value_info(const onnx::ValueInfoProto& info, Value* v, const char* role) {
  if (!info.has_type()) return Status::ok();
  const auto& type = info.type();
  if (!type.has_tensor_type())
    return unsupported("{} '{}' is not a tensor (sequence, map and optional types are not supported)", role, info.name());
  const auto& tt = type.tensor_type();
  if (tt.has_elem_type()) {
    const DType dt = dtype_from_onnx(tt.elem_type());
    if (dt == DType::kUndefined)
      return unsupported("{} '{}' has unknown ONNX element type {}", role, info.name(), tt.elem_type());
    if (v->dtype == DType::kUndefined) v->dtype = dt;
  }
  if (tt.has_shape() && !v->shape) v->shape = shape_from_proto(tt.shape());
  return Status::ok();
}

Result<Attribute> attribute_from_proto(const onnx::AttributeProto& a, const Node& node) {
  Attribute attr{a.name(), int64_t{0}};
  auto where = [&] { return fmt::format("{} attribute '{}'", node.describe(), a.name()); };
  switch (a.type()) {
    case onnx::AttributeProto::INT: attr.value = a.i(); break;
    case onnx::AttributeProto::FLOAT: attr.value = a.f(); break;
    case onnx::AttributeProto::STRING: attr.value = a.s(); break;
    case onnx::AttributeProto::INTS: attr.value = std::vector<int64_t>(a.ints().begin(), a.ints().end()); break;
    case onnx::AttributeProto::FLOATS: attr.value = std::vector<float>(a.floats().begin(), a.floats().end()); break;
    case onnx::AttributeProto::STRINGS: attr.value = std::vector<std::string>(a.strings().begin(), a.strings().end()); break;
    case onnx::AttributeProto::TENSOR: {
      auto t = onnx_import::tensor_from_proto(a.t(), "");
      if (!t.is_ok()) return t.status().with_context(where());
      attr.value = std::move(t).value();
      break;
    }
    case onnx::AttributeProto::GRAPH:
    case onnx::AttributeProto::GRAPHS:
      return unsupported("{} is a subgraph; control flow is not supported", where());
    default:
      if (!a.ref_attr_name().empty()) return unsupported("{} refers to a function attribute", where());
      return unsupported("{} has an unsupported attribute type {}", where(), static_cast<int>(a.type()));
  }
  return attr;
}

Result<Graph> import_model(const onnx::ModelProto& model, const std::string& base_dir) {
  if (!model.has_graph()) return invalid_argument("the model has no graph");
  const onnx::GraphProto& g = model.graph();
  Graph graph;
  graph.name = g.name();
  graph.ir_version = model.ir_version();
  graph.producer = model.producer_name() + (model.producer_version().empty() ? "" : " " + model.producer_version());
  graph.opset = -1;
  for (const auto& op : model.opset_import())
    if (op.domain().empty() || op.domain() == "ai.onnx") graph.opset = op.version();
  bool uses_default_domain = false;
  for (const auto& np : g.node()) uses_default_domain |= np.domain().empty() || np.domain() == "ai.onnx";
  if (graph.opset < 0) {
    if (model.opset_import_size() > 0 && uses_default_domain)
      return invalid_argument("the model imports no default-domain (ai.onnx) opset but uses default-domain ops");
    // IR version 1/2 models carry no opset_import: opset 1. A model of other domains only (e.g.
    // ai.onnx.preview.training) gets no default opset; the op check reports its ops.
    graph.opset = model.opset_import_size() > 0 ? kMinSupportedOpset : 1;
  }
  graph.model_opset = graph.opset;
  if (graph.opset > kNewestKnownOpset)
    log::warn("the model uses opset {}; fovea knows the ops up to opset {} (ops that changed since may be refused)",
              graph.opset, kNewestKnownOpset);
  if (graph.opset < kMinSupportedOpset)
    return unsupported("the model uses opset {}; fovea supports opset {} and newer (re-export with a newer exporter)",
                       graph.opset, kMinSupportedOpset);

  // Initializers first: they may also be listed as graph inputs (IR version < 4).
  for (const auto& init : g.initializer()) {
    if (init.name().empty()) return invalid_argument("an initializer has no name");
    auto t = onnx_import::tensor_from_proto(init, base_dir);
    if (!t.is_ok()) return t.status().with_context("initializer '" + init.name() + "'");
    FOVEA_ASSIGN_OR_RETURN(Value * v, graph.add_value(init.name()));
    v->dtype = t->dtype();
    v->shape = shape_from_dims(t->dims());
    v->constant = std::move(t).value();
  }
  if (g.sparse_initializer_size() > 0) return unsupported("sparse initializers are not supported");

  for (const auto& in : g.input()) {
    if (in.name().empty()) return invalid_argument("a graph input has no name");
    if (Value* existing = graph.find_value(in.name())) {
      if (existing->is_constant()) continue;  // an initializer listed as input
      return invalid_argument("graph input '{}' is declared twice", in.name());
    }
    FOVEA_ASSIGN_OR_RETURN(Value * v, graph.add_value(in.name()));
    FOVEA_RETURN_IF_ERROR(apply_value_info(in, v, "graph input"));
    if (v->dtype == DType::kUndefined) return invalid_argument("graph input '{}' has no element type", in.name());
    graph.inputs.push_back(v);
  }

  // Create every node output before resolving inputs, so file order does not matter.
  std::vector<std::pair<Node*, const onnx::NodeProto*>> nodes;
  size_t index = 0;
  for (const auto& np : g.node()) {
    std::string name = np.name().empty() ? fmt::format("{}_{}", np.op_type(), index) : np.name();
    ++index;
    if (np.op_type().empty()) return invalid_argument("node '{}' has no op_type", name);
    Node* node = graph.add_node(name, np.op_type());
    node->domain = np.domain() == "ai.onnx" ? "" : np.domain();
    for (const auto& out : np.output()) {
      if (out.empty()) { node->outputs.push_back(nullptr); continue; }
      auto v = graph.add_value(out);
      if (!v.is_ok()) {
        const Value* prev = graph.find_value(out);
        if (prev && prev->is_constant()) return invalid_argument("{} writes to initializer '{}'", node->describe(), out);
        return invalid_argument("{}: output '{}' is produced more than once", node->describe(), out);
      }
      node->outputs.push_back(*v);
    }
    nodes.emplace_back(node, &np);
  }
  for (auto& [node, np] : nodes) {
    for (const auto& in : np->input()) {
      if (in.empty()) { node->inputs.push_back(nullptr); continue; }
      Value* v = graph.find_value(in);
      if (!v)
        return not_found("{}: input '{}' is not a graph input, an initializer or any node's output (missing initializer?)",
                         node->describe(), in);
      node->inputs.push_back(v);
    }
    // Trailing omitted optional inputs carry no meaning.
    while (!node->inputs.empty() && !node->inputs.back()) node->inputs.pop_back();
    for (const auto& a : np->attribute()) {
      if (node->has_attribute(a.name()))
        return invalid_argument("{}: attribute '{}' appears twice", node->describe(), a.name());
      FOVEA_ASSIGN_OR_RETURN(Attribute attr, attribute_from_proto(a, *node));
      node->attributes.push_back(std::move(attr));
    }
    FOVEA_RETURN_IF_ERROR(graph.connect(node));
  }

  for (const auto& vi : g.value_info())
    if (Value* v = graph.find_value(vi.name()); v && !v->is_constant())
      FOVEA_RETURN_IF_ERROR(apply_value_info(vi, v, "value"));
  for (const auto& out : g.output()) {
    Value* v = graph.find_value(out.name());
    if (!v) return not_found("graph output '{}' is not produced by any node, input or initializer", out.name());
    if (!v->is_constant()) FOVEA_RETURN_IF_ERROR(apply_value_info(out, v, "graph output"));
    graph.outputs.push_back(v);
  }
  if (graph.outputs.empty()) return invalid_argument("the graph has no outputs");
  FOVEA_RETURN_IF_ERROR(graph.topological_order().status());
  return graph;
}

}  // namespace

Result<Graph> import_onnx_bytes(std::span<const std::byte> bytes, const std::string& base_dir) {
  onnx::ModelProto model;
  if (bytes.empty()) return invalid_argument("the model file is empty");
  if (!parse_proto(model, bytes)) return invalid_argument("not a valid ONNX model: the protobuf could not be parsed (truncated or not an ONNX file?)");
  return import_model(model, base_dir);
}

Result<Graph> import_onnx_file(const std::string& path) {
  FOVEA_ASSIGN_OR_RETURN(std::string data, read_file(path));
  std::string base = fs::path(path).parent_path().string();
  if (base.empty()) base = ".";
  auto g = import_onnx_bytes(std::as_bytes(std::span(data.data(), data.size())), base);
  if (!g.is_ok()) return g.status().with_context(path);
  return g;
}

Result<Tensor> read_onnx_tensor_file(const std::string& path) {
  FOVEA_ASSIGN_OR_RETURN(std::string data, read_file(path));
  onnx::TensorProto proto;
  if (!parse_proto(proto, std::as_bytes(std::span(data.data(), data.size()))))
    return invalid_argument("{}: not a valid serialized TensorProto", path);
  auto t = onnx_import::tensor_from_proto(proto, fs::path(path).parent_path().string());
  if (!t.is_ok()) return t.status().with_context(path);
  return t;
}

}  // namespace fovea
