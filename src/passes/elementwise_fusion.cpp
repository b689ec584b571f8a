#include "passes/elementwise_fusion.h"

#include <algorithm>
#include <limits>
#include <unordered_map>
#include <unordered_set>

#include "ops/fused_elementwise_program.h"
#include "passes/graph_editor.h"

namespace fovea {
namespace {

// A node that can join a group: its op, parameters and the inputs that are real operands.
struct Candidate {
  const ElementwiseOpInfo* info = nullptr;
  float alpha = 0.0f, beta = 0.0f;
  std::vector<Value*> operands;  // 1 or 2; Clip's bounds are parameters, not operands
};

// Scalar parameters; nullopt when one is not a constant the program can hold.
Result<std::optional<std::pair<float, float>>> op_parameters(const Node& n, int64_t opset) {
  using P = std::optional<std::pair<float, float>>;
  constexpr float inf = std::numeric_limits<float>::infinity();
  const std::string& op = n.op_type;
  if (op == "LeakyRelu") {
    FOVEA_ASSIGN_OR_RETURN(const float a, n.attr_float("alpha", 0.01f));
    return P({a, 0.0f});
  }
  if (op == "HardSigmoid") {
    FOVEA_ASSIGN_OR_RETURN(const float a, n.attr_float("alpha", 0.2f));
    FOVEA_ASSIGN_OR_RETURN(const float b, n.attr_float("beta", 0.5f));
    return P({a, b});
  }
  if (op == "Elu") {
    FOVEA_ASSIGN_OR_RETURN(const float a, n.attr_float("alpha", 1.0f));
    return P({a, 0.0f});
  }
  if (op == "Selu") {
    FOVEA_ASSIGN_OR_RETURN(const float a, n.attr_float("alpha", 1.67326319217681884765625f));
    FOVEA_ASSIGN_OR_RETURN(const float g, n.attr_float("gamma", 1.05070102214813232421875f));
    return P({a, g});
  }
  if (op == "Clip") {
    if (opset < 11) {
      FOVEA_ASSIGN_OR_RETURN(const float lo, n.attr_float("min", -inf));
      FOVEA_ASSIGN_OR_RETURN(const float hi, n.attr_float("max", inf));
      return P({lo, hi});
    }
    float lo = -inf, hi = inf;
    if (n.has_input(1)) {
      auto v = scalar_float_constant(n.inputs[1]);
      if (!v) return P();
      lo = *v;
    }
    if (n.has_input(2)) {
      auto v = scalar_float_constant(n.inputs[2]);
      if (!v) return P();
      hi = *v;
    }
    return P({lo, hi});
  }
  return P({0.0f, 0.0f});
}

Result<std::optional<Candidate>> as_candidate(const Node& n, int64_t opset) {
  using C = std::optional<Candidate>;
  if (!n.domain.empty() && n.domain != "ai.onnx") return C();
  const ElementwiseOpInfo* info = find_elementwise_op(n.op_type);
  if (!info || n.outputs.size() != 1 || !n.has_output(0)) return C();
  const DType t = n.outputs[0]->dtype;
  if (t != DType::kFloat32 && t != DType::kFloat16) return C();
  Candidate c;
  c.info = info;
  const size_t arity = info->binary ? 2 : 1;
  if (n.op_type == "Clip" ? n.inputs.size() > 3 : n.inputs.size() != arity) return C();
  for (size_t i = 0; i < arity; ++i) {
    if (!n.has_input(i) || n.inputs[i]->dtype != t) return C();
    c.operands.push_back(n.inputs[i]);
  }
  FOVEA_ASSIGN_OR_RETURN(auto params, op_parameters(n, opset));
  if (!params) return C();
  c.alpha = params->first;
  c.beta = params->second;
  return C(std::move(c));
}

class GroupBuilder {
 public:
  GroupBuilder(GraphEditor& editor, const std::unordered_map<Node*, Candidate>& candidates,
               const std::unordered_map<const Node*, size_t>& position)
      : editor_(editor), candidates_(candidates), position_(position) {}

  // Grows a group upstream from `sink` and, when it has >= 2 ops, replaces it by one node.
  Result<bool> fuse_from(Node* sink) {
    std::vector<Node*> group = {sink};
    std::unordered_set<const Node*> in_group = {sink};
    for (bool grew = true; grew;) {
      grew = false;
      for (size_t gi = 0; gi < group.size(); ++gi) {
        for (Value* v : candidates_.at(group[gi]).operands) {
          Node* p = v->producer;
          if (!p || in_group.count(p) || assigned_.count(p) || !candidates_.count(p)) continue;
          if (is_graph_output(editor_.graph(), v)) continue;
          const bool all_inside = std::all_of(v->consumers.begin(), v->consumers.end(),
                                              [&](const Node* c) { return in_group.count(c) > 0; });
          if (!all_inside || group.size() + 1 > static_cast<size_t>(kMaxFusedElementwiseOps)) continue;
          group.push_back(p);
          in_group.insert(p);
          if (external_inputs(group, in_group).size() > static_cast<size_t>(kMaxFusedElementwiseInputs)) {
            group.pop_back();
            in_group.erase(p);
            continue;
          }
          grew = true;
        }
      }
    }
    for (Node* g : group) assigned_.insert(g);
    if (group.size() < 2) return false;
    std::sort(group.begin(), group.end(), [&](Node* a, Node* b) { return position_.at(a) < position_.at(b); });
    FOVEA_RETURN_IF_ERROR(replace_group(group, in_group, sink));
    return true;
  }

 private:
  // Values the group reads but does not produce, in order of first use.
  std::vector<Value*> external_inputs(const std::vector<Node*>& group, const std::unordered_set<const Node*>& in_group) {
    std::vector<Value*> ext;
    std::vector<Node*> ordered = group;
    std::sort(ordered.begin(), ordered.end(), [&](Node* a, Node* b) { return position_.at(a) < position_.at(b); });
    for (Node* g : ordered)
      for (Value* v : candidates_.at(g).operands)
        if (!(v->producer && in_group.count(v->producer)) && std::find(ext.begin(), ext.end(), v) == ext.end())
          ext.push_back(v);
    return ext;
  }

  Status replace_group(const std::vector<Node*>& group, const std::unordered_set<const Node*>& in_group, Node* sink) {
    const std::vector<Value*> inputs = external_inputs(group, in_group);
    std::unordered_map<const Value*, int64_t> reg;
    for (size_t i = 0; i < inputs.size(); ++i) reg[inputs[i]] = static_cast<int64_t>(i);
    std::vector<std::string> ops;
    std::vector<int64_t> operands;
    std::vector<float> alphas, betas;
    for (size_t k = 0; k < group.size(); ++k) {
      const Candidate& c = candidates_.at(group[k]);
      ops.emplace_back(c.info->name);
      operands.push_back(reg.at(c.operands[0]));
      operands.push_back(c.operands.size() > 1 ? reg.at(c.operands[1]) : -1);
      alphas.push_back(c.alpha);
      betas.push_back(c.beta);
      reg[group[k]->outputs[0]] = static_cast<int64_t>(inputs.size() + k);
    }
    Node* fused = editor_.graph().add_node(sink->name, "FusedElementwise");
    fused->domain = "fovea";
    fused->set_attribute("ops", ops);
    fused->set_attribute("operands", operands);
    fused->set_attribute("alphas", alphas);
    fused->set_attribute("betas", betas);
    fused->inputs = inputs;
    fused->outputs = {sink->outputs[0]};
    return editor_.replace(group, fused);
  }

  GraphEditor& editor_;
  const std::unordered_map<Node*, Candidate>& candidates_;
  const std::unordered_map<const Node*, size_t>& position_;
  std::unordered_set<const Node*> assigned_;
};

}  // namespace

Result<int> fuse_elementwise_chains(Graph& graph) {
  FOVEA_ASSIGN_OR_RETURN(std::vector<Node*> order, graph.topological_order());
  std::unordered_map<Node*, Candidate> candidates;
  std::unordered_map<const Node*, size_t> position;
  for (size_t i = 0; i < order.size(); ++i) {
    position[order[i]] = i;
    FOVEA_ASSIGN_OR_RETURN(std::optional<Candidate> c, as_candidate(*order[i], graph.opset));
    if (c) candidates.emplace(order[i], std::move(*c));
  }
  GraphEditor editor(graph);
  GroupBuilder builder(editor, candidates, position);
  int fused = 0;
  // Downstream first: a group starts at its result and grows towards its inputs.
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    if (!candidates.count(*it) || editor.is_removed(*it)) continue;
    FOVEA_ASSIGN_OR_RETURN(const bool done, builder.fuse_from(*it));
    fused += done ? 1 : 0;
  }
  editor.commit();
  return fused;
}

}  // namespace fovea
