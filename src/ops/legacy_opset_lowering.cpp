#include "ops/legacy_opset_lowering.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>

#include "ops/op_def.h"

namespace fovea {

namespace {

bool is_default_domain(const Node& node) { return node.domain.empty() || node.domain == "ai.onnx"; }

std::optional<int64_t> rank_of(const Value* v) {
  if (!v || !v->shape) return std::nullopt;
  return static_cast<int64_t>(v->shape->size());
}

// Runs the shape function of `node` at the lowered opset to learn its outputs' dtypes and ranks
// (which later legacy broadcasts need). Nodes fovea lacks, or of a wrong arity, are skipped: the
// op check reports them. The full shape inference runs again on the lowered graph.
Status probe_shapes(Node& node) {
  const OpSchema* schema = find_op_schema(node.domain, node.op_type);
  if (!schema) return Status::ok();
  const auto n_in = static_cast<int64_t>(node.inputs.size()), n_out = static_cast<int64_t>(node.outputs.size());
  if (n_in < schema->min_inputs || n_in > schema->max_inputs || n_out < schema->min_outputs ||
      n_out > schema->max_outputs)
    return Status::ok();
  std::vector<TensorInfo> infos(node.inputs.size());
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    const Value* v = node.inputs[i];
    if (!v) continue;
    if (v->dtype == DType::kUndefined) return Status::ok();
    infos[i].present = true;
    infos[i].dtype = v->dtype;
    infos[i].shape = v->shape;
    if (v->constant) infos[i].value = &*v->constant;
  }
  InferContext ctx(node, kLoweredLegacyOpset, std::move(infos));
  FOVEA_RETURN_IF_ERROR(schema->infer(ctx));
  for (size_t i = 0; i < node.outputs.size(); ++i) {
    Value* out = node.outputs[i];
    if (!out || ctx.output(i).dtype == DType::kUndefined) continue;
    out->dtype = ctx.output(i).dtype;
    if (const auto& inferred = ctx.output(i).shape) {
      Shape merged = *inferred;  // declared symbolic names fill dims the probe could not tell
      if (out->shape && out->shape->size() == merged.size())
        for (size_t d = 0; d < merged.size(); ++d)
          if (!merged[d].is_known() && merged[d].symbol.empty()) merged[d] = (*out->shape)[d];
      out->shape = std::move(merged);
    }
    if (ctx.output_value(i)) out->constant = *ctx.output_value(i);
  }
  return Status::ok();
}

// Appends `count` dims of 1 to input i of `node` (legacy axis broadcasting, per-channel PRelu):
// a constant is reshaped, anything else goes through a new Unsqueeze node.
Status append_unit_dims(Graph& graph, Node& node, size_t i, int64_t count) {
  Value* in = node.inputs[i];
  const int64_t rank = *rank_of(in);
  if (in->constant) {
    Dims dims = in->constant->dims();
    dims.insert(dims.end(), static_cast<size_t>(count), 1);
    FOVEA_ASSIGN_OR_RETURN(Tensor t, in->constant->reshaped(dims));
    FOVEA_ASSIGN_OR_RETURN(Value * v, graph.add_constant(in->name + "_legacy_broadcast", std::move(t)));
    node.replace_input(i, v);
    return Status::ok();
  }
  std::vector<int64_t> axes;
  for (int64_t k = 0; k < count; ++k) axes.push_back(rank + k);
  Node* u = graph.add_node(node.name + "_legacy_unsqueeze", "Unsqueeze");
  FOVEA_ASSIGN_OR_RETURN(Value * out, graph.add_value_with_unique_name(in->name + "_legacy_broadcast"));
  u->inputs = {in};
  u->outputs = {out};
  u->attributes.push_back(Attribute{"axes", axes});
  FOVEA_RETURN_IF_ERROR(graph.connect(u));
  FOVEA_RETURN_IF_ERROR(probe_shapes(*u));
  node.replace_input(i, out);
  return Status::ok();
}

bool known_single_element(const Value* v) {
  if (!v || !v->shape) return false;
  return std::all_of(v->shape->begin(), v->shape->end(), [](const Dim& d) { return d.is_known() && d.value == 1; });
}

// Binary ops before opset 7: broadcast=0 needs equal shapes; broadcast=1 matches B to A's dims
// from `axis` (or as a suffix); the output has A's shape.
Status lower_legacy_broadcast(Graph& graph, Node& node) {
  FOVEA_ASSIGN_OR_RETURN(int64_t broadcast, node.attr_int("broadcast", 0));
  const bool has_axis = node.has_attribute("axis");
  FOVEA_ASSIGN_OR_RETURN(int64_t axis, node.attr_int("axis", 0));
  node.erase_attribute("broadcast");
  node.erase_attribute("axis");
  if (node.inputs.size() != 2 || !node.inputs[0] || !node.inputs[1]) return Status::ok();  // the op check reports it
  const Value* a = node.inputs[0];
  const Value* b = node.inputs[1];
  const auto ra = rank_of(a), rb = rank_of(b);
  if (broadcast == 0) {
    if (!ra || !rb) return Status::ok();
    bool equal = *ra == *rb;
    for (int64_t d = 0; equal && d < *ra; ++d) {
      const Dim &da = (*a->shape)[d], &db = (*b->shape)[d];
      if (da.is_known() && db.is_known() && da.value != db.value) equal = false;
    }
    if (!equal)
      return invalid_argument("{}: inputs of shapes {} and {} need broadcast=1 (opset {} broadcasting is explicit)",
                              node.describe(), shape_to_string(*a->shape), shape_to_string(*b->shape), graph.opset);
    return Status::ok();
  }
  if (broadcast != 1) return invalid_argument("{}: broadcast must be 0 or 1, got {}", node.describe(), broadcast);
  if (known_single_element(b) && (!ra || *rb <= *ra)) return Status::ok();  // a scalar-like B broadcasts anywhere
  if (!ra || !rb) {
    if (!has_axis) return Status::ok();  // suffix matching is numpy broadcasting
    return unsupported("{}: legacy broadcasting with axis={} needs the ranks of both inputs, which are unknown",
                       node.describe(), axis);
  }
  if (*rb > *ra)
    return invalid_argument("{}: B of rank {} cannot broadcast to A of rank {}", node.describe(), *rb, *ra);
  int64_t start = *ra - *rb;
  if (has_axis) {
    if (axis < 0) axis += *ra;
    if (axis < 0 || axis > *ra - *rb)
      return invalid_argument("{}: axis {} does not fit B of rank {} into A of rank {}", node.describe(), axis, *rb, *ra);
    start = axis;
  }
  for (int64_t j = 0; j < *rb; ++j) {
    const Dim &da = (*a->shape)[start + j], &db = (*b->shape)[j];
    if (da.is_known() && db.is_known() && db.value != da.value && db.value != 1)
      return invalid_argument("{}: B of shape {} does not match A of shape {} from axis {}", node.describe(),
                              shape_to_string(*b->shape), shape_to_string(*a->shape), start);
  }
  const int64_t trailing = *ra - *rb - start;
  return trailing > 0 ? append_unit_dims(graph, node, 1, trailing) : Status::ok();
}

// Gemm before opset 7: C broadcasts only with broadcast=1, otherwise it is [M, N].
Status lower_legacy_gemm(Node& node) {
  FOVEA_ASSIGN_OR_RETURN(int64_t broadcast, node.attr_int("broadcast", 0));
  node.erase_attribute("broadcast");
  if (broadcast != 0 || node.inputs.size() != 3 || !node.inputs[2]) return Status::ok();
  FOVEA_ASSIGN_OR_RETURN(int64_t trans_a, node.attr_int("transA", 0));
  FOVEA_ASSIGN_OR_RETURN(int64_t trans_b, node.attr_int("transB", 0));
  const Value *a = node.inputs[0], *b = node.inputs[1], *c = node.inputs[2];
  if (!c->shape) return Status::ok();
  bool ok = c->shape->size() == 2;
  if (ok && a && rank_of(a) == 2) {
    const Dim& m = (*a->shape)[trans_a ? 1 : 0];
    ok = !m.is_known() || !(*c->shape)[0].is_known() || m.value == (*c->shape)[0].value;
  }
  if (ok && b && rank_of(b) == 2) {
    const Dim& n = (*b->shape)[trans_b ? 0 : 1];
    ok = !n.is_known() || !(*c->shape)[1].is_known() || n.value == (*c->shape)[1].value;
  }
  if (!ok)
    return invalid_argument("{}: C of shape {} must be [M, N] without broadcast=1", node.describe(),
                            shape_to_string(*c->shape));
  return Status::ok();
}

// PRelu before opset 7: a 1-D slope of C values applies per channel (axis 1).
Status lower_legacy_prelu(Graph& graph, Node& node) {
  if (node.inputs.size() != 2 || !node.inputs[0] || !node.inputs[1]) return Status::ok();
  const Value *x = node.inputs[0], *slope = node.inputs[1];
  if (rank_of(slope) != 1 || known_single_element(slope)) return Status::ok();
  const auto rx = rank_of(x);
  if (!rx) return unsupported("{}: a per-channel slope needs the rank of X, which is unknown", node.describe());
  if (*rx < 2) return Status::ok();
  const Dim &c = (*x->shape)[1], &s = (*slope->shape)[0];
  if (c.is_known() && s.is_known() && c.value != s.value)
    return invalid_argument("{}: slope of {} values for X of shape {} (per channel: {})", node.describe(), s.value,
                            shape_to_string(*x->shape), c.value);
  return *rx > 2 ? append_unit_dims(graph, node, 1, *rx - 2) : Status::ok();
}

// Reshape before opset 5: the target shape is an attribute.
Status lower_legacy_reshape(Graph& graph, Node& node) {
  if (!node.has_attribute("shape")) {
    if (node.inputs.size() >= 2) return Status::ok();
    return invalid_argument("{}: the shape attribute is required before opset 5", node.describe());
  }
  if (node.inputs.size() != 1) return invalid_argument("{}: takes one input and the shape attribute before opset 5", node.describe());
  FOVEA_ASSIGN_OR_RETURN(std::vector<int64_t> shape, node.attr_ints("shape"));
  node.erase_attribute("shape");
  const auto n = static_cast<int64_t>(shape.size());
  FOVEA_ASSIGN_OR_RETURN(Value * v, graph.add_constant(node.name + "_legacy_shape", Tensor::from_vector<int64_t>(shape, {n})));
  node.inputs.push_back(nullptr);
  node.replace_input(1, v);
  return Status::ok();
}

// Split before opset 2: the split sizes may come as a (constant) second input.
Status lower_legacy_split(Node& node) {
  if (node.inputs.size() < 2 || !node.inputs[1]) return Status::ok();
  const Value* split = node.inputs[1];
  if (node.has_attribute("split"))
    return invalid_argument("{}: split is given both as input and attribute", node.describe());
  if (!split->constant)
    return unsupported("{}: a non-constant split input (opset 1) is not supported", node.describe());
  if (!dtype_is_integer(split->dtype) || split->constant->dims().size() > 1)
    return invalid_argument("{}: the split input must be a 1-D integer tensor", node.describe());
  node.set_attribute("split", split->constant->to_int64_vector());
  node.truncate_inputs(1);
  return Status::ok();
}

// Tile before opset 6: (input, tiles, axis) repeats the input `tiles` times along `axis`.
Status lower_legacy_tile(Graph& graph, Node& node) {
  if (node.inputs.size() != 3) return Status::ok();  // Tile-6 form, or the op check reports it
  const Value *x = node.inputs[0], *tiles = node.inputs[1], *axis = node.inputs[2];
  if (!x || !tiles || !axis) return invalid_argument("{}: inputs tiles and axis are required before opset 6", node.describe());
  if (!tiles->constant || !axis->constant)
    return unsupported("{}: non-constant tiles/axis inputs (opset < 6) are not supported", node.describe());
  if (!dtype_is_integer(tiles->dtype) || !dtype_is_integer(axis->dtype) || tiles->constant->numel() != 1 ||
      axis->constant->numel() != 1)
    return invalid_argument("{}: tiles and axis must be integer scalars", node.describe());
  const auto rank = rank_of(x);
  if (!rank) return unsupported("{}: legacy Tile needs the rank of the input, which is unknown", node.describe());
  int64_t a = axis->constant->int_at(0);
  if (a < 0) a += *rank;
  if (a < 0 || a >= *rank) return invalid_argument("{}: axis {} is out of range for rank {}", node.describe(), a, *rank);
  std::vector<int64_t> repeats(static_cast<size_t>(*rank), 1);
  repeats[static_cast<size_t>(a)] = tiles->constant->int_at(0);
  FOVEA_ASSIGN_OR_RETURN(Value * v, graph.add_constant(node.name + "_legacy_repeats",
                                                 Tensor::from_vector<int64_t>(repeats, {*rank})));
  node.truncate_inputs(1);
  node.inputs.push_back(nullptr);
  node.replace_input(1, v);
  return Status::ok();
}

// Cast before opset 6: `to` names the type ("FLOAT").
Status lower_legacy_cast(Node& node) {
  const Attribute* to = node.find_attribute("to");
  if (!to || !std::holds_alternative<std::string>(to->value)) return Status::ok();
  static constexpr std::array<std::string_view, 17> kNames = {
      "UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32", "INT64", "STRING",
      "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16"};
  const std::string name = std::get<std::string>(to->value);
  for (size_t i = 1; i < kNames.size(); ++i)
    if (kNames[i] == name) {
      node.set_attribute("to", static_cast<int64_t>(i));
      return Status::ok();
    }
  return invalid_argument("{}: unknown type name '{}' in attribute to", node.describe(), name);
}

// Upsample-1: height_scale / width_scale of an NCHW input; mode "bilinear" is opset 7's "linear".
Status lower_legacy_upsample(Node& node) {
  if (node.has_attribute("height_scale") || node.has_attribute("width_scale")) {
    FOVEA_ASSIGN_OR_RETURN(float h, node.attr_float("height_scale", 0.0f));
    FOVEA_ASSIGN_OR_RETURN(float w, node.attr_float("width_scale", 0.0f));
    if (!node.has_attribute("height_scale") || !node.has_attribute("width_scale"))
      return invalid_argument("{}: height_scale and width_scale are both required", node.describe());
    if (node.inputs.size() == 1 && node.inputs[0] && node.inputs[0]->shape && node.inputs[0]->shape->size() != 4)
      return invalid_argument("{}: opset-1 Upsample takes a 4-D NCHW input", node.describe());
    node.erase_attribute("height_scale");
    node.erase_attribute("width_scale");
    node.set_attribute("scales", std::vector<float>{1.0f, 1.0f, h, w});
  }
  FOVEA_ASSIGN_OR_RETURN(std::string mode, node.attr_string("mode", "nearest"));
  if (mode == "bilinear") node.set_attribute("mode", std::string("linear"));
  return Status::ok();
}

Status lower_node(Graph& graph, Node& node, int64_t opset) {
  node.erase_attribute("consumed_inputs");
  const std::string& op = node.op_type;
  static constexpr std::array<std::string_view, 11> kLegacyBroadcastOps = {
      "Add", "Sub", "Mul", "Div", "Pow", "And", "Or", "Xor", "Equal", "Greater", "Less"};
  if (std::find(kLegacyBroadcastOps.begin(), kLegacyBroadcastOps.end(), op) != kLegacyBroadcastOps.end())
    return lower_legacy_broadcast(graph, node);
  if (op == "Gemm") return lower_legacy_gemm(node);
  if (op == "PRelu") return lower_legacy_prelu(graph, node);
  if (op == "BatchNormalization") {
    FOVEA_ASSIGN_OR_RETURN(int64_t is_test, node.attr_int("is_test", 0));
    if (is_test == 0)
      return unsupported("{}: is_test=0 (training mode) is not supported; inference needs is_test=1", node.describe());
    node.erase_attribute("is_test");
    return Status::ok();
  }
  if (op == "Dropout") {
    node.erase_attribute("is_test");  // inference: Dropout is the identity either way
    return Status::ok();
  }
  if (op == "Upsample") return lower_legacy_upsample(node);
  if (op == "Reshape" && opset < 5) return lower_legacy_reshape(graph, node);
  if (op == "Tile" && opset < 6) return lower_legacy_tile(graph, node);
  if (op == "Cast" && opset < 6) return lower_legacy_cast(node);
  if (op == "Concat" && opset < 4 && !node.has_attribute("axis")) node.set_attribute("axis", int64_t{1});
  if (op == "Split" && opset < 2) return lower_legacy_split(node);
  if (op == "Pad" && opset < 2 && node.has_attribute("paddings")) {
    if (node.has_attribute("pads")) return invalid_argument("{}: both paddings and pads are given", node.describe());
    FOVEA_ASSIGN_OR_RETURN(std::vector<int64_t> pads, node.attr_ints("paddings"));
    node.erase_attribute("paddings");
    node.set_attribute("pads", std::move(pads));
  }
  return Status::ok();
}

}  // namespace

Status lower_legacy_opset(Graph& graph) {
  if (graph.opset >= kLoweredLegacyOpset) return Status::ok();
  FOVEA_ASSIGN_OR_RETURN(std::vector<Node*> order, graph.topological_order());
  for (Node* node : order) {
    if (!is_default_domain(*node)) continue;
    FOVEA_RETURN_IF_ERROR(lower_node(graph, *node, graph.opset));
    FOVEA_RETURN_IF_ERROR(probe_shapes(*node));
  }
  graph.opset = kLoweredLegacyOpset;
  return Status::ok();
}

}  // namespace fovea
