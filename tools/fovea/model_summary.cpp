#include "model_summary.h"

#include <algorithm>
#include <set>

#include "backends/cpu/cpu_executor.h"
#include "ir/onnx/onnx_importer.h"
#include "ops/graph_checks.h"

namespace fovea::cli {
namespace {

// Ops that only move, select or reinterpret data: 0 FLOPs.
const std::set<std::string> kDataMovementOps = {
    "Identity", "Dropout", "Cast", "Concat", "Split", "Slice", "Reshape", "Flatten", "Transpose", "Squeeze",
    "Unsqueeze", "Expand", "Tile", "Gather", "GatherElements", "ScatterND", "Shape", "Size", "Constant",
    "ConstantOfShape", "Range", "Pad", "DepthToSpace", "SpaceToDepth", "NonZero", "ArgMax", "ArgMin", "TopK"};

// Elementwise ops: 1 FLOP per output element.
const std::set<std::string> kElementwiseOps = {
    "Relu", "LeakyRelu", "PRelu", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish", "Softplus", "Elu", "Selu",
    "Erf", "Clip", "Add", "Sub", "Mul", "Div", "Pow", "Sqrt", "Exp", "Log", "Abs", "Neg", "Reciprocal",
    "Floor", "Ceil", "Round", "Sign", "Min", "Max", "Sum", "Mean", "Equal", "Less", "Greater",
    "LessOrEqual", "GreaterOrEqual", "Not", "And", "Or", "Where"};

// Ops costed per element of their input (one pass of work per element read).
const std::set<std::string> kPerInputElementOps = {
    "GlobalAveragePool", "GlobalMaxPool", "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd",
    "ReduceSumSquare", "CumSum"};

std::optional<Dims> static_dims(const Value* v) {
  if (!v || !v->shape || !shape_is_static(*v->shape)) return std::nullopt;
  auto d = dims_from_shape(*v->shape, v->name);
  if (!d.is_ok()) return std::nullopt;
  return std::move(d).value();
}

double numel(const Dims& d) {
  double n = 1;
  for (int64_t x : d) n *= static_cast<double>(x);
  return n;
}

Status dynamic(const Node& node) { return unsupported("dynamic shape"); }

Result<double> conv_flops(const Node& node) {
  auto out = static_dims(node.has_output(0) ? node.outputs[0] : nullptr);
  auto w = static_dims(node.has_input(1) ? node.inputs[1] : nullptr);
  if (!out || !w) return dynamic(node);
  if (w->size() < 2) return invalid_argument("weight rank {} < 2", w->size());
  // Each output element sums Cin/group * prod(kernel) products.
  double macs_per_output = 1;
  for (size_t i = 1; i < w->size(); ++i) macs_per_output *= static_cast<double>((*w)[i]);
  double flops = 2 * macs_per_output * numel(*out);
  if (node.has_input(2)) flops += numel(*out);  // bias add
  return flops;
}

Result<double> conv_transpose_flops(const Node& node) {
  auto in = static_dims(node.has_input(0) ? node.inputs[0] : nullptr);
  auto out = static_dims(node.has_output(0) ? node.outputs[0] : nullptr);
  auto w = static_dims(node.has_input(1) ? node.inputs[1] : nullptr);
  if (!in || !out || !w) return dynamic(node);
  if (w->size() < 2) return invalid_argument("weight rank {} < 2", w->size());
  // Each input element is scattered into Cout/group * prod(kernel) outputs.
  double macs_per_input = 1;
  for (size_t i = 1; i < w->size(); ++i) macs_per_input *= static_cast<double>((*w)[i]);
  double flops = 2 * macs_per_input * numel(*in);
  if (node.has_input(2)) flops += numel(*out);
  return flops;
}

Result<double> matmul_flops(const Node& node) {
  auto a = static_dims(node.has_input(0) ? node.inputs[0] : nullptr);
  auto out = static_dims(node.has_output(0) ? node.outputs[0] : nullptr);
  if (!a || !out) return dynamic(node);
  if (a->empty()) return invalid_argument("scalar operand");
  return 2 * static_cast<double>(a->back()) * numel(*out);
}

Result<double> gemm_flops(const Node& node) {
  auto a = static_dims(node.has_input(0) ? node.inputs[0] : nullptr);
  auto out = static_dims(node.has_output(0) ? node.outputs[0] : nullptr);
  if (!a || !out) return dynamic(node);
  if (a->size() != 2) return invalid_argument("A is not 2-D");
  FOVEA_ASSIGN_OR_RETURN(int64_t trans_a, node.attr_int("transA", 0));
  const double k = static_cast<double>(trans_a ? (*a)[0] : (*a)[1]);
  double flops = 2 * k * numel(*out);
  if (node.has_input(2)) flops += numel(*out);  // + beta * C
  return flops;
}

Result<double> pool_flops(const Node& node) {
  auto out = static_dims(node.has_output(0) ? node.outputs[0] : nullptr);
  if (!out) return dynamic(node);
  FOVEA_ASSIGN_OR_RETURN(std::vector<int64_t> kernel, node.attr_ints("kernel_shape"));
  double window = 1;
  for (int64_t k : kernel) window *= static_cast<double>(k);
  return window * numel(*out);
}

}  // namespace

Result<double> node_flops(const Node& node) {
  const std::string& op = node.op_type;
  if (!node.domain.empty() && node.domain != "ai.onnx") return unsupported("no FLOP formula for this op");
  if (op == "Conv") return conv_flops(node);
  if (op == "ConvTranspose") return conv_transpose_flops(node);
  if (op == "MatMul") return matmul_flops(node);
  if (op == "Gemm") return gemm_flops(node);
  if (op == "MaxPool" || op == "AveragePool") return pool_flops(node);
  if (kDataMovementOps.count(op)) return 0.0;
  if (op == "Resize" || op == "Upsample") {
    FOVEA_ASSIGN_OR_RETURN(std::string mode, node.attr_string("mode", "nearest"));
    if (mode == "nearest") return 0.0;
    return unsupported("no FLOP formula for {} mode '{}'", op, mode);
  }
  if (kElementwiseOps.count(op)) {
    auto out = static_dims(node.has_output(0) ? node.outputs[0] : nullptr);
    if (!out) return dynamic(node);
    return numel(*out);
  }
  // Normalizations and softmax: a few operations per element; counted as 2 (scale and shift, or
  // exp and divide), the same convention as the elementwise ops' 1.
  if (op == "BatchNormalization" || op == "InstanceNormalization" || op == "LayerNormalization" ||
      op == "Softmax" || op == "LogSoftmax") {
    auto out = static_dims(node.has_output(0) ? node.outputs[0] : nullptr);
    if (!out) return dynamic(node);
    return 2.0 * numel(*out);
  }
  if (kPerInputElementOps.count(op)) {
    auto in = static_dims(node.has_input(0) ? node.inputs[0] : nullptr);
    if (!in) return dynamic(node);
    return numel(*in);
  }
  return unsupported("no FLOP formula for this op");
}

namespace {

TensorDesc describe(const Value* v) { return TensorDesc{v->name, v->dtype, v->shape, std::nullopt}; }

void count_ops_and_parameters(const Graph& graph, ModelSummary& s) {
  std::map<std::string, int64_t> counts;
  for (const auto& node : graph.nodes())
    ++counts[node->domain.empty() || node->domain == "ai.onnx" ? node->op_type : node->domain + "::" + node->op_type];
  for (auto& [op, n] : counts) s.op_histogram.push_back({op, n, 0});
  std::stable_sort(s.op_histogram.begin(), s.op_histogram.end(),
                   [](const OpCount& a, const OpCount& b) { return a.count > b.count; });
  s.node_count = static_cast<int64_t>(graph.nodes().size());
  // Initializers: constant values no node produces (read before inference folds constants).
  for (const auto& v : graph.values()) {
    if (!v->constant || v->producer) continue;
    ++s.initializer_count;
    s.parameter_count += v->constant->numel();
    s.parameter_bytes += v->constant->nbytes();
  }
  // Some exporters (PaddlePaddle's paddle2onnx) store the weights as Constant nodes instead.
  for (const auto& node : graph.nodes()) {
    if (node->op_type != "Constant" || !node->domain.empty()) continue;
    auto value = node->attr_tensor("value");
    if (!value.is_ok()) continue;
    ++s.constant_node_tensors;
    s.parameter_count += value->numel();
    s.parameter_bytes += value->nbytes();
  }
}

// Replaces the graph inputs' declared shapes by concrete ones so inference gives static shapes.
Status fix_input_shapes(Graph& graph, const ShapeOverrides& overrides, ModelSummary& s) {
  FOVEA_RETURN_IF_ERROR(check_shape_overrides(graph, overrides));
  for (Value* in : graph.inputs) {
    auto dims = concrete_input_dims(*in, overrides, &s.assumptions);
    if (!dims.is_ok()) {
      s.assumptions.push_back(dims.status().message() + " (left dynamic)");
      continue;
    }
    in->shape = shape_from_dims(*dims);
  }
  return Status::ok();
}

void count_flops(const Graph& graph, ModelSummary& s) {
  auto order = graph.topological_order();
  if (!order.is_ok()) return;
  std::map<std::string, double> by_op;
  for (const Node* node : *order) {
    bool folded = !node->outputs.empty();
    for (const Value* out : node->outputs) folded &= !out || out->is_constant();
    if (folded) {
      ++s.folded_nodes;
      continue;
    }
    auto flops = node_flops(*node);
    if (!flops.is_ok()) {
      std::string reason = flops.status().message();
      if (reason == "dynamic shape" && !s.shapes_inferred) reason = "shape unknown (shape inference stopped)";
      s.uncounted.push_back({node->describe(), reason});
      continue;
    }
    s.flops += *flops;
    by_op[node->op_type] += *flops;
  }
  for (OpCount& c : s.op_histogram)
    if (by_op.count(c.op_type)) c.flops = by_op[c.op_type];
  s.flops_computed = true;
}

}  // namespace

Result<ModelSummary> summarize_model(const std::string& path, const ShapeOverrides& overrides) {
  FOVEA_ASSIGN_OR_RETURN(Graph graph, import_onnx_file(path));
  ModelSummary s;
  s.path = path;
  s.graph_name = graph.name;
  s.producer = graph.producer;
  s.ir_version = graph.ir_version;
  s.opset = graph.model_opset;
  for (const Value* v : graph.inputs) s.inputs.push_back(describe(v));
  for (const Value* v : graph.outputs) s.outputs.push_back(describe(v));
  count_ops_and_parameters(graph, s);

  Status supported = check_supported_ops(graph);
  if (!supported.is_ok()) {
    s.unsupported_ops = supported.message();
    s.shape_error = "skipped: the model has unsupported ops";
    return s;
  }
  FOVEA_RETURN_IF_ERROR(fix_input_shapes(graph, overrides, s));
  ShapeInferenceOptions options;
  options.evaluate = cpu::run_node;
  Status inferred = infer_shapes(graph, options);
  s.shapes_inferred = inferred.is_ok();
  if (!inferred.is_ok()) s.shape_error = inferred.message();
  for (size_t i = 0; i < graph.outputs.size(); ++i) s.outputs[i].inferred_shape = graph.outputs[i]->shape;
  // Even after a failure, nodes before it have shapes: count what can be counted.
  count_flops(graph, s);
  return s;
}

}  // namespace fovea::cli
