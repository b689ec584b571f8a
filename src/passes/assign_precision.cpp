#include "passes/assign_precision.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "backends/cpu/cpu_executor.h"
#include "core/logging.h"
#include "ops/graph_checks.h"

namespace fovea {
namespace {

constexpr float kFloat16Max = 65504.f;

bool in_default_domain(const Node& n) { return n.domain.empty() || n.domain == "ai.onnx"; }

template <size_t N>
bool op_in(const Node& n, const std::string_view (&ops)[N]) {
  return in_default_domain(n) && std::find(std::begin(ops), std::end(ops), n.op_type) != std::end(ops);
}

// The ops whose cost dominates a vision model; everything upstream of them runs in float16.
bool is_heavy(const Node& n) {
  static constexpr std::string_view kOnnx[] = {"Conv", "ConvTranspose", "Gemm", "MatMul"};
  static constexpr std::string_view kFused[] = {"FusedConv", "FusedGemm", "FusedMatMul"};
  if (n.domain == "fovea") return std::find(std::begin(kFused), std::end(kFused), n.op_type) != std::end(kFused);
  return op_in(n, kOnnx);
}

bool is_sensitive(const Node& n) { return op_in(n, kFp32SensitiveOps); }

// Ops whose output dtype comes from an attribute, not from their float inputs.
bool has_fixed_output_dtype(const Node& n) {
  static constexpr std::string_view kOps[] = {"Constant",         "ConstantOfShape",   "EyeLike",
                                              "RandomNormal",     "RandomUniform",     "RandomNormalLike",
                                              "RandomUniformLike", "Multinomial",      "Bernoulli"};
  return op_in(n, kOps);
}

// Input i is read for its shape, or converted from any dtype: it never needs a Cast.
bool reads_any_dtype(const Node& n, size_t i) {
  static constexpr std::string_view kOps[] = {"Shape", "Size", "Cast", "CastLike"};
  return i == 0 && op_in(n, kOps);
}

// Input i must be float32 whatever the node's precision (the shape functions insist).
bool needs_float32_input(const Node& n, size_t i) {
  if (!in_default_domain(n)) return false;
  return (n.op_type == "Resize" && (i == 1 || i == 2)) || (n.op_type == "Upsample" && i == 1);
}

// Input i carries sizes, axes, indices bounds or thresholds rather than data: a value flowing
// only there is shape arithmetic, not part of the compute path to a heavy op.
bool is_shape_input(const Node& n, size_t i) {
  static const std::map<std::string_view, std::vector<size_t>> kShapeInputs = {
      {"Shape", {0}},     {"Size", {0}},      {"Reshape", {1}},     {"Expand", {1}},          {"Tile", {1}},
      {"Resize", {1, 2, 3}}, {"Upsample", {1}}, {"Slice", {1, 2, 3, 4}}, {"Squeeze", {1}},     {"Unsqueeze", {1}},
      {"Pad", {1, 3}},    {"Split", {1}},     {"TopK", {1}},        {"OneHot", {1}},          {"ConstantOfShape", {0}},
      {"Range", {0, 1, 2}}, {"CumSum", {1}},  {"NonMaxSuppression", {2, 3, 4}},
      {"ReduceSum", {1}}, {"ReduceMean", {1}}, {"ReduceMax", {1}},  {"ReduceMin", {1}},       {"ReduceProd", {1}},
      {"ReduceL1", {1}},  {"ReduceL2", {1}},  {"ReduceLogSum", {1}}, {"ReduceLogSumExp", {1}}, {"ReduceSumSquare", {1}}};
  if (!in_default_domain(n)) return false;
  auto it = kShapeInputs.find(n.op_type);
  return it != kShapeInputs.end() && std::find(it->second.begin(), it->second.end(), i) != it->second.end();
}

bool is_float32(const Value* v) { return v && v->dtype == DType::kFloat32; }

// All outputs are known at build time: the node never runs, so its precision does not matter.
bool is_folded(const Node& n) {
  bool any = false;
  for (const Value* o : n.outputs) {
    if (!o) continue;
    if (!o->is_constant()) return false;
    any = true;
  }
  return any;
}

// Nodes that compute on float32 data (and so get a precision): not folded, and a float32 output
// or a float32 input that follows the node's precision.
bool computes_on_float32(const Node& n) {
  if (is_folded(n)) return false;
  for (const Value* o : n.outputs)
    if (is_float32(o)) return true;
  for (size_t i = 0; i < n.inputs.size(); ++i)
    if (is_float32(n.inputs[i]) && !reads_any_dtype(n, i) && !needs_float32_input(n, i)) return true;
  return false;
}

// For every node: does a heavy op follow it through data inputs? Filled in reverse topological order.
std::unordered_set<const Node*> nodes_feeding_heavy_ops(const std::vector<Node*>& order) {
  std::unordered_set<const Node*> feeding;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const Node* n = *it;
    bool feeds = false;
    for (const Value* out : n->outputs) {
      if (!out) continue;
      for (const Node* c : out->consumers) {
        if (!is_heavy(*c) && !feeding.count(c)) continue;
        for (size_t k = 0; k < c->inputs.size() && !feeds; ++k)
          feeds = c->inputs[k] == out && !is_shape_input(*c, k);
      }
    }
    if (feeds) feeding.insert(n);
  }
  return feeding;
}

// float32 -> float16, round to nearest even; finite values beyond the float16 range clamp to ±65504.
Result<Tensor> to_float16(const Tensor& t, int64_t& clamped) {
  FOVEA_ASSIGN_OR_RETURN(Tensor out, Tensor::allocate(DType::kFloat16, t.dims()));
  const float* src = t.data<float>();
  Half* dst = out.data<Half>();
  for (int64_t i = 0; i < t.numel(); ++i) {
    float f = src[i];
    if (std::isfinite(f) && std::fabs(f) > kFloat16Max) {
      f = std::copysign(kFloat16Max, f);
      ++clamped;
    }
    dst[i] = float_to_half(f);
  }
  return out;
}

class PrecisionRewriter {
 public:
  PrecisionRewriter(Graph& graph, PrecisionReport& report) : graph_(graph), report_(report) {}

  // Decides every node's precision.
  Status decide(Precision precision, const std::map<std::string, Precision>& overrides) {
    FOVEA_ASSIGN_OR_RETURN(order_, graph_.topological_order());
    std::set<std::string> unused_overrides;
    for (const auto& [name, p] : overrides) unused_overrides.insert(name);
    const auto feeding = nodes_feeding_heavy_ops(order_);
    for (Node* n : order_) {
      auto ov = overrides.find(n->name);
      if (ov != overrides.end()) unused_overrides.erase(n->name);
      if (!computes_on_float32(*n)) continue;
      candidates_.push_back(n);
      bool fp16 = false;
      if (has_fixed_output_dtype(*n)) {
        if (ov != overrides.end() && ov->second == Precision::kFp16)
          log::warn("precision: {} has its output dtype set by an attribute; the fp16 override is ignored", n->describe());
      } else if (ov != overrides.end()) {
        fp16 = ov->second == Precision::kFp16;
        ++(fp16 ? report_.fp16_overrides : report_.fp32_overrides);
      } else if (precision == Precision::kFp16) {
        if (is_sensitive(*n)) ++report_.sensitive_nodes;
        else if (!is_heavy(*n) && !feeding.count(n)) ++report_.tail_nodes;
        else fp16 = true;
      }
      if (fp16) fp16_.insert(n);
      ++(fp16 ? report_.fp16_nodes : report_.fp32_nodes);
    }
    for (const std::string& name : unused_overrides)
      log::warn("precision: the per-layer override for '{}' names no node of the graph; ignored", name);
    for (const auto& v : graph_.values())
      if (is_float32(v.get())) was_float32_.insert(v.get());
    return Status::ok();
  }

  Status rewrite() {
    FOVEA_RETURN_IF_ERROR(retype_fp16_outputs());
    const auto wants = constant_readers();
    for (Node* n : candidates_) {
      for (size_t i = 0; i < n->inputs.size(); ++i) {
        Value* v = n->inputs[i];
        if (!v || reads_any_dtype(*n, i) || !was_float32_.count(v)) continue;
        const DType want = wanted_dtype(*n, i);
        if (v->dtype == want) continue;
        FOVEA_ASSIGN_OR_RETURN(Value * r, converted(v, want, wants));
        n->replace_input(i, r);
      }
    }
    return Status::ok();
  }

  // After shape inference: every value made float16 must have come out float16.
  Status verify() const {
    for (const Value* v : made_float16_)
      if (v->dtype != DType::kFloat16)
        return internal_error("precision: {} output '{}' is {} after shape inference, expected float16",
                              v->producer ? v->producer->describe() : std::string("a node"), v->name,
                              dtype_name(v->dtype));
    for (const Value* out : graph_.outputs)
      if (was_float32_.count(out) && out->dtype != DType::kFloat32)
        return internal_error("precision: graph output '{}' is no longer float32", out->name);
    return Status::ok();
  }

 private:
  bool runs_fp16(const Node& n) const { return fp16_.count(&n) > 0; }

  DType wanted_dtype(const Node& n, size_t i) const {
    if (needs_float32_input(n, i)) return DType::kFloat32;
    return runs_fp16(n) ? DType::kFloat16 : DType::kFloat32;
  }

  bool is_graph_output(const Value* v) const {
    return std::find(graph_.outputs.begin(), graph_.outputs.end(), v) != graph_.outputs.end();
  }

  // float32 outputs of float16 nodes become float16; graph outputs keep their float32 value,
  // now written by a Cast from a new float16 value.
  Status retype_fp16_outputs() {
    for (Node* n : candidates_) {
      if (!runs_fp16(*n)) continue;
      if (in_default_domain(*n) && n->op_type == "Cast") {
        FOVEA_ASSIGN_OR_RETURN(int64_t to, n->attr_int("to", 0));
        if (to == static_cast<int64_t>(DType::kFloat32)) n->set_attribute("to", static_cast<int64_t>(DType::kFloat16));
      }
      for (size_t k = 0; k < n->outputs.size(); ++k) {
        Value* o = n->outputs[k];
        if (!is_float32(o) || o->is_constant()) continue;
        if (!is_graph_output(o)) {
          o->dtype = DType::kFloat16;
          made_float16_.push_back(o);
          continue;
        }
        FOVEA_ASSIGN_OR_RETURN(Value * half, graph_.add_value_with_unique_name(o->name + "_fp16"));
        half->dtype = DType::kFloat16;
        half->shape = o->shape;
        half->producer = n;
        n->outputs[k] = half;
        o->producer = nullptr;
        FOVEA_RETURN_IF_ERROR(add_cast(half, o, DType::kFloat32));
        made_float16_.push_back(half);
        converted_[{o, DType::kFloat16}] = half;
      }
    }
    return Status::ok();
  }

  // For each float32 constant: the dtypes its readers want (folded and other non-computing
  // readers keep wanting float32).
  std::unordered_map<const Value*, std::set<DType>> constant_readers() const {
    std::unordered_set<const Node*> candidate_set(candidates_.begin(), candidates_.end());
    std::unordered_map<const Value*, std::set<DType>> wants;
    for (const Value* v : was_float32_) {
      if (!v->is_constant()) continue;
      auto& w = wants[v];
      for (const Node* c : v->consumers)
        for (size_t i = 0; i < c->inputs.size(); ++i) {
          if (c->inputs[i] != v || reads_any_dtype(*c, i)) continue;
          w.insert(candidate_set.count(c) ? wanted_dtype(*c, i) : DType::kFloat32);
        }
    }
    return wants;
  }

  // `v` as dtype `want`: a converted initializer, or the output of a (shared) Cast.
  Result<Value*> converted(Value* v, DType want, const std::unordered_map<const Value*, std::set<DType>>& wants) {
    auto it = converted_.find({v, want});
    if (it != converted_.end()) return it->second;
    Value* r = nullptr;
    if (v->is_constant() && want == DType::kFloat16 && v->dtype == DType::kFloat32) {
      FOVEA_ASSIGN_OR_RETURN(Tensor half, to_float16(*v->constant, report_.values_clamped));
      ++report_.weights_converted;
      const auto w = wants.find(v);
      const bool only_fp16_readers = w != wants.end() && w->second == std::set<DType>{DType::kFloat16};
      if (!v->producer && only_fp16_readers && !is_graph_output(v)) {
        v->constant = std::move(half);  // read only by float16 nodes: convert in place
        v->dtype = DType::kFloat16;
        return v;
      }
      FOVEA_ASSIGN_OR_RETURN(r, graph_.add_constant(v->name + "_fp16", std::move(half)));
    } else {
      FOVEA_ASSIGN_OR_RETURN(r, graph_.add_value_with_unique_name(v->name + (want == DType::kFloat16 ? "_fp16" : "_fp32")));
      r->dtype = want;
      r->shape = v->shape;
      FOVEA_RETURN_IF_ERROR(add_cast(v, r, want));
    }
    converted_[{v, want}] = r;
    return r;
  }

  Status add_cast(Value* from, Value* to, DType dtype) {
    Node* cast = graph_.add_node("precision_cast/" + to->name, "Cast");
    cast->inputs = {from};
    cast->outputs = {to};
    cast->set_attribute("to", static_cast<int64_t>(dtype));
    ++report_.casts_inserted;
    return graph_.connect(cast);
  }

  Graph& graph_;
  PrecisionReport& report_;
  std::vector<Node*> order_;
  std::vector<Node*> candidates_;  // nodes with a precision, in order
  std::unordered_set<const Node*> fp16_;
  std::unordered_set<const Value*> was_float32_;
  std::vector<const Value*> made_float16_;
  std::map<std::pair<const Value*, DType>, Value*> converted_;
};

}  // namespace

std::string PrecisionReport::summary() const {
  return fmt::format(
      "precision: {} nodes in fp16, {} in fp32 ({} sensitive ops, {} in the tail, {} by override); {} forced to fp16 "
      "by override; {} casts inserted; {} weights converted to fp16 ({} values clamped to ±65504)",
      fp16_nodes, fp32_nodes, sensitive_nodes, tail_nodes, fp32_overrides, fp16_overrides, casts_inserted,
      weights_converted, values_clamped);
}

Result<int> assign_precision(Graph& graph, Precision precision, const std::map<std::string, Precision>& layer_overrides,
                             PrecisionReport* report) {
  PrecisionReport local;
  PrecisionReport& rep = report ? *report : local;
  rep = PrecisionReport{};
  PrecisionRewriter rewriter(graph, rep);
  FOVEA_RETURN_IF_ERROR(rewriter.decide(precision, layer_overrides));
  if (rep.fp16_nodes == 0) return 0;  // nothing runs in float16: the graph stays as it is
  FOVEA_RETURN_IF_ERROR(rewriter.rewrite());
  ShapeInferenceOptions options;
  options.evaluate = cpu::run_node;
  Status inferred = infer_shapes(graph, options);
  if (!inferred.is_ok()) return inferred.with_context("shape inference after assigning fp16 precision");
  FOVEA_RETURN_IF_ERROR(rewriter.verify());
  if (rep.values_clamped > 0)
    log::warn("precision: {} weight values exceed the float16 range and were clamped to ±65504", rep.values_clamped);
  log::info("{}", rep.summary());
  return rep.fp16_nodes;
}

}  // namespace fovea
