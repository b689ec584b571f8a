#include "passes/nhwc_node_rules.h"

#include <algorithm>
#include <functional>
#include <string_view>

#include "backends/cpu/nhwc_layout.h"
#include "ops/reduce_axes.h"
#include "ops/resize_geometry.h"
#include "passes/graph_editor.h"

namespace fovea {
namespace {

// Element-wise ops whose 4-D operands may all be NHWC: unary ops and broadcasting ops.
constexpr std::string_view kElementwiseOps[] = {
    "Relu", "LeakyRelu", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish", "Softplus", "Elu", "Selu", "Erf",
    "Sqrt", "Exp", "Log", "Abs", "Neg", "Reciprocal", "Floor", "Ceil", "Round", "Sign", "Identity", "Clip",
    "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum", "Mean", "PRelu"};

// Kinds of constant conversion, for the cache key.
enum ConstantKind { kWeightKrsc, kBroadcastOperand, kAxisVector, kRoiVector, kSliceAxes };

bool is_4d(const Value* v) { return v && v->shape && v->shape->size() == 4; }
bool is_float16_or_32(DType t) { return t == DType::kFloat16 || t == DType::kFloat32; }

bool all_outputs_4d_activations(const Node& node) {
  bool any = false;
  for (const Value* out : node.outputs) {
    if (!out) continue;
    if (!is_4d(out) || out->is_constant()) return false;
    any = true;
  }
  return any;
}

bool valid_4d_axes(const std::vector<int64_t>& axes) {
  return std::all_of(axes.begin(), axes.end(), [](int64_t a) { return a >= -4 && a <= 3; });
}

bool is_elementwise(const Node& node) {
  if (node.domain == "fovea") return node.op_type == "FusedElementwise";
  return is_onnx_op(&node, node.op_type) &&
         std::find(std::begin(kElementwiseOps), std::end(kElementwiseOps), node.op_type) != std::end(kElementwiseOps);
}

std::optional<NhwcNodePlan> plan_conv(const Node& node) {
  const bool fused = node.domain == "fovea" && node.op_type == "FusedConv";
  if (!fused && !is_onnx_op(&node, "Conv")) return std::nullopt;
  if (fused) {
    auto layout = node.attr_string("layout", "NCHW");
    if (!layout.is_ok() || *layout != "NCHW") return std::nullopt;
  }
  if (!node.has_input(0) || !node.has_input(1) || node.outputs.size() != 1) return std::nullopt;
  const Value* x = node.inputs[0];
  const Value* w = node.inputs[1];
  if (!is_4d(x) || x->is_constant() || !is_float16_or_32(x->dtype)) return std::nullopt;
  if (!w->constant || w->constant->rank() != 4 || w->constant->dtype() != x->dtype) return std::nullopt;
  NhwcNodePlan plan{NhwcRole::kConv, {0}};
  if (node.has_input(3)) {
    if (!is_4d(node.inputs[3]) || node.inputs[3]->is_constant()) return std::nullopt;
    plan.layout_inputs.push_back(3);
  }
  return plan;
}

std::optional<NhwcNodePlan> plan_elementwise(const Node& node) {
  NhwcNodePlan plan{NhwcRole::kElementwise, {}};
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    const Value* in = node.inputs[i];
    if (!in || in->is_constant()) {
      if (in && in->constant->rank() > 4) return std::nullopt;
      continue;  // omitted, or a constant that rewrite permutes
    }
    if (is_4d(in)) {
      plan.layout_inputs.push_back(i);
      continue;
    }
    // A lower-rank activation broadcasts the same way in both layouts only when it is all ones.
    if (!in->shape) return std::nullopt;
    for (const Dim& d : *in->shape)
      if (!d.is_known() || d.value != 1) return std::nullopt;
  }
  if (plan.layout_inputs.empty()) return std::nullopt;
  return plan;
}

std::optional<NhwcNodePlan> plan_slice(const Graph& graph, const Node& node) {
  if (graph.opset < 10) {  // axes are an attribute
    auto axes = node.attr_ints("axes");
    if (!axes.is_ok() || !valid_4d_axes(*axes) || !node.attr_ints("starts").is_ok()) return std::nullopt;
    return NhwcNodePlan{NhwcRole::kSlice, {0}};
  }
  if (node.has_input(3)) {
    const Value* axes = node.inputs[3];
    if (!axes->constant || axes->constant->rank() != 1 || !dtype_is_integer(axes->constant->dtype())) return std::nullopt;
    if (!valid_4d_axes(axes->constant->to_int64_vector())) return std::nullopt;
  } else {
    // Default axes 0..k-1: made explicit, so the number of starts must be known.
    const Value* starts = node.has_input(1) ? node.inputs[1] : nullptr;
    if (!starts || !starts->shape || starts->shape->size() != 1 || !(*starts->shape)[0].is_known()) return std::nullopt;
  }
  return NhwcNodePlan{NhwcRole::kSlice, {0}};
}

std::optional<NhwcNodePlan> plan_resize(const Graph& graph, const Node& node) {
  if (node.has_attribute("axes")) return std::nullopt;  // Resize-18 partial axes: left as a boundary
  if (node.op_type == "Upsample" && node.has_attribute("scales")) {
    auto scales = node.attr_floats("scales");
    if (!scales.is_ok() || scales->size() != 4) return std::nullopt;
  }
  const ResizeInputs which = resize_inputs(node, graph.opset);
  const std::pair<int, int64_t> params[] = {{which.roi, 8}, {which.scales, 4}, {which.sizes, 4}};
  for (const auto& [index, length] : params) {
    if (index < 0 || !node.has_input(static_cast<size_t>(index))) continue;
    const Value* v = node.inputs[static_cast<size_t>(index)];
    if (!v->constant || v->constant->rank() > 1) return std::nullopt;
    if (v->constant->numel() != 0 && v->constant->numel() != length) return std::nullopt;
  }
  return NhwcNodePlan{NhwcRole::kResize, {0}};
}

// --- rewrites ---------------------------------------------------------------------------------

Result<Value*> cached_constant(Graph& graph, NhwcConstantCache& cache, const Value* original, ConstantKind kind,
                               const char* suffix, const std::function<Result<Tensor>(const Tensor&)>& convert) {
  const auto key = std::make_pair(original, static_cast<int>(kind));
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  FOVEA_ASSIGN_OR_RETURN(Tensor data, convert(*original->constant));
  FOVEA_ASSIGN_OR_RETURN(Value* v, graph.add_constant(original->name + suffix, std::move(data)));
  cache[key] = v;
  return v;
}

// out[i] = in[index[i]] for a 1-D tensor of any dtype.
Result<Tensor> gathered_vector(const Tensor& in, const std::vector<int64_t>& index) {
  FOVEA_ASSIGN_OR_RETURN(Tensor out, Tensor::allocate(in.dtype(), {static_cast<int64_t>(index.size())}));
  const size_t size = dtype_size(in.dtype());
  const auto* src = static_cast<const std::byte*>(in.raw_data());
  auto* dst = static_cast<std::byte*>(out.raw_data());
  for (size_t i = 0; i < index.size(); ++i) std::copy_n(src + index[i] * size, size, dst + i * size);
  return out;
}

// A constant operand of a broadcasting op, aligned with NCHW's trailing dims, re-aligned with
// NHWC's: padded to rank 4, transposed, then leading 1s dropped down to its old rank ([C,1,1]
// becomes [1,1,C]).
Result<Tensor> nhwc_broadcast_operand(const Tensor& t) {
  const size_t rank = t.rank();
  Dims padded(4 - rank, 1);
  padded.insert(padded.end(), t.dims().begin(), t.dims().end());
  FOVEA_ASSIGN_OR_RETURN(Tensor as_4d, t.reshaped(padded));
  FOVEA_ASSIGN_OR_RETURN(Tensor permuted, cpu::permuted_copy(as_4d, cpu::kNchwToNhwcPerm));
  Dims dims = permuted.dims();
  while (dims.size() > rank && dims.front() == 1) dims.erase(dims.begin());
  return permuted.reshaped(dims);
}

Result<int64_t> nhwc_axis(const Node& node, int64_t axis) {
  if (axis < -4 || axis > 3) return invalid_argument("{}: axis {} is out of range for a 4-D input", node.describe(), axis);
  return kNchwAxisInNhwc[axis < 0 ? axis + 4 : axis];
}

Result<std::vector<int64_t>> nhwc_axes(const Node& node, const std::vector<int64_t>& axes) {
  std::vector<int64_t> out;
  for (int64_t a : axes) {
    FOVEA_ASSIGN_OR_RETURN(int64_t b, nhwc_axis(node, a));
    out.push_back(b);
  }
  return out;
}

Status rewrite_conv(Graph& graph, Node& node, NhwcConstantCache& cache) {
  if (node.domain != "fovea") {  // a plain Conv becomes a FusedConv without activation
    node.op_type = "FusedConv";
    node.domain = "fovea";
    node.set_attribute("activation", std::string());
  }
  node.set_attribute("layout", std::string("NHWC"));
  FOVEA_ASSIGN_OR_RETURN(Value* w, cached_constant(graph, cache, node.inputs[1], kWeightKrsc, "_krsc", [](const Tensor& t) {
    return cpu::permuted_copy(t, cpu::kNchwToNhwcPerm);  // KCRS -> KRSC
  }));
  node.replace_input(1, w);
  return Status::ok();
}

Status rewrite_global_pool(Graph& graph, Node& node) {
  node.op_type = node.op_type == "GlobalMaxPool" ? "ReduceMax" : "ReduceMean";
  node.set_attribute("keepdims", int64_t{1});
  const std::vector<int64_t> axes = {1, 2};
  if (!reduce_axes_from_input(node.op_type, graph.opset)) {
    node.set_attribute("axes", axes);
    return Status::ok();
  }
  FOVEA_ASSIGN_OR_RETURN(Value* v, graph.add_constant(node.name + "_nhwc_axes", Tensor::from_vector<int64_t>(axes, {2})));
  node.inputs.push_back(nullptr);
  node.replace_input(1, v);
  return Status::ok();
}

Status rewrite_elementwise(Graph& graph, Node& node, NhwcConstantCache& cache) {
  for (size_t i = 0; i < node.inputs.size(); ++i) {
    const Value* in = node.inputs[i];
    if (!in || !in->is_constant() || in->constant->numel() <= 1) continue;  // scalars broadcast alike
    FOVEA_ASSIGN_OR_RETURN(Value* v, cached_constant(graph, cache, in, kBroadcastOperand, "_nhwc", nhwc_broadcast_operand));
    node.replace_input(i, v);
  }
  return Status::ok();
}

Status rewrite_slice(Graph& graph, Node& node, NhwcConstantCache& cache) {
  if (graph.opset < 10) {
    FOVEA_ASSIGN_OR_RETURN(std::vector<int64_t> starts, node.attr_ints("starts"));
    std::vector<int64_t> defaults(starts.size());
    for (size_t i = 0; i < defaults.size(); ++i) defaults[i] = static_cast<int64_t>(i);
    FOVEA_ASSIGN_OR_RETURN(std::vector<int64_t> axes, node.attr_ints("axes", defaults));
    FOVEA_ASSIGN_OR_RETURN(std::vector<int64_t> mapped, nhwc_axes(node, axes));
    node.set_attribute("axes", mapped);
    return Status::ok();
  }
  if (!node.has_input(3)) {
    std::vector<int64_t> axes(static_cast<size_t>((*node.inputs[1]->shape)[0].value));
    for (size_t i = 0; i < axes.size(); ++i) axes[i] = static_cast<int64_t>(i);
    FOVEA_ASSIGN_OR_RETURN(std::vector<int64_t> mapped, nhwc_axes(node, axes));
    FOVEA_ASSIGN_OR_RETURN(Value* v, graph.add_constant(node.name + "_nhwc_axes",
                                                        Tensor::from_vector<int64_t>(mapped, {static_cast<int64_t>(mapped.size())})));
    while (node.inputs.size() < 4) node.inputs.push_back(nullptr);
    node.replace_input(3, v);
    return Status::ok();
  }
  const Node* n = &node;
  FOVEA_ASSIGN_OR_RETURN(Value* v, cached_constant(graph, cache, node.inputs[3], kSliceAxes, "_nhwc", [n](const Tensor& t) -> Result<Tensor> {
    FOVEA_ASSIGN_OR_RETURN(std::vector<int64_t> mapped, nhwc_axes(*n, t.to_int64_vector()));
    Tensor out = Tensor::from_vector<int64_t>(mapped, {static_cast<int64_t>(mapped.size())});
    if (t.dtype() == DType::kInt64) return out;
    std::vector<int32_t> narrow(mapped.begin(), mapped.end());
    return Tensor::from_vector<int32_t>(narrow, {static_cast<int64_t>(narrow.size())});
  }));
  node.replace_input(3, v);
  return Status::ok();
}

Status rewrite_resize(Graph& graph, Node& node, NhwcConstantCache& cache) {
  if (node.op_type == "Upsample" && node.has_attribute("scales")) {
    FOVEA_ASSIGN_OR_RETURN(std::vector<float> s, node.attr_floats("scales"));
    node.set_attribute("scales", std::vector<float>{s[0], s[2], s[3], s[1]});
  }
  const ResizeInputs which = resize_inputs(node, graph.opset);
  const std::vector<int64_t> axis_order = {0, 2, 3, 1};
  const std::vector<int64_t> roi_order = {0, 2, 3, 1, 4, 6, 7, 5};
  const std::pair<int, ConstantKind> params[] = {{which.roi, kRoiVector}, {which.scales, kAxisVector}, {which.sizes, kAxisVector}};
  for (const auto& [index, kind] : params) {
    if (index < 0 || !node.has_input(static_cast<size_t>(index))) continue;
    const Value* in = node.inputs[static_cast<size_t>(index)];
    if (in->constant->numel() == 0) continue;
    const std::vector<int64_t>& order = kind == kRoiVector ? roi_order : axis_order;
    FOVEA_ASSIGN_OR_RETURN(Value* v, cached_constant(graph, cache, in, kind, "_nhwc", [&order](const Tensor& t) {
      return gathered_vector(t, order);
    }));
    node.replace_input(static_cast<size_t>(index), v);
  }
  return Status::ok();
}

}  // namespace

std::optional<NhwcNodePlan> plan_nhwc_node(const Graph& graph, const Node& node) {
  if (!all_outputs_4d_activations(node)) return std::nullopt;
  if (node.domain == "fovea" && node.op_type == "FusedConv") return plan_conv(node);
  if (is_elementwise(node)) return plan_elementwise(node);
  if (!node.domain.empty() && node.domain != "ai.onnx") return std::nullopt;
  if (node.op_type == "Conv") return plan_conv(node);
  if (!node.has_input(0) || !is_4d(node.inputs[0]) || node.inputs[0]->is_constant()) return std::nullopt;
  const std::string& op = node.op_type;
  if (op == "MaxPool") {
    if (node.outputs.size() > 1 && node.outputs[1]) return std::nullopt;  // Indices are NCHW offsets
    if (!is_float16_or_32(node.inputs[0]->dtype)) return std::nullopt;
    return NhwcNodePlan{NhwcRole::kMaxPool, {0}};
  }
  if (op == "GlobalAveragePool" || op == "GlobalMaxPool") return NhwcNodePlan{NhwcRole::kGlobalPool, {0}};
  if (op == "Split" || op == "Concat") {
    auto axis = node.attr_int("axis", op == "Concat" ? 1 : 0);
    if (!axis.is_ok() || !valid_4d_axes({*axis}) || (op == "Concat" && !node.has_attribute("axis"))) return std::nullopt;
  }
  if (op == "Split") return NhwcNodePlan{NhwcRole::kAxis, {0}};
  if (op == "Concat") {
    NhwcNodePlan plan{NhwcRole::kAxis, {}};
    for (size_t i = 0; i < node.inputs.size(); ++i) {
      if (!is_4d(node.inputs[i])) return std::nullopt;
      if (!node.inputs[i]->is_constant()) plan.layout_inputs.push_back(i);  // constants are permuted
    }
    return plan;
  }
  if (op == "Slice") return plan_slice(graph, node);
  if (op == "Resize" || op == "Upsample") return plan_resize(graph, node);
  return std::nullopt;
}

Status rewrite_node_for_nhwc(Graph& graph, Node& node, const NhwcNodePlan& plan, NhwcConstantCache& cache) {
  switch (plan.role) {
    case NhwcRole::kConv: return rewrite_conv(graph, node, cache);
    case NhwcRole::kMaxPool:
      node.domain = "fovea";
      node.erase_attribute("storage_order");
      node.set_attribute("layout", std::string("NHWC"));
      node.outputs.resize(1);
      return Status::ok();
    case NhwcRole::kGlobalPool: return rewrite_global_pool(graph, node);
    case NhwcRole::kElementwise: return rewrite_elementwise(graph, node, cache);
    case NhwcRole::kAxis: {
      FOVEA_ASSIGN_OR_RETURN(int64_t axis, node.attr_int("axis", 0));
      FOVEA_ASSIGN_OR_RETURN(int64_t mapped, nhwc_axis(node, axis));
      node.set_attribute("axis", mapped);
      if (node.op_type == "Split") return Status::ok();  // its split sizes stay as they are
      return rewrite_elementwise(graph, node, cache);    // constant Concat inputs are permuted
    }
    case NhwcRole::kSlice: return rewrite_slice(graph, node, cache);
    case NhwcRole::kResize: return rewrite_resize(graph, node, cache);
  }
  return internal_error("{}: unknown NHWC role", node.describe());
}

}  // namespace fovea
