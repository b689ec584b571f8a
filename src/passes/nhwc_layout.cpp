#include "passes/nhwc_layout.h"

#include <algorithm>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include "backends/cpu/cpu_executor.h"
#include "core/logging.h"
#include "ops/graph_checks.h"
#include "passes/graph_editor.h"
#include "passes/nhwc_node_rules.h"

namespace fovea {
namespace {

const std::vector<int64_t> kToNhwc = {0, 2, 3, 1};
const std::vector<int64_t> kToNchw = {0, 3, 1, 2};

Shape permuted_shape(const Shape& s, const std::vector<int64_t>& perm) {
  Shape out;
  for (int64_t p : perm) out.push_back(s[static_cast<size_t>(p)]);
  return out;
}

bool is_nhwc_node(const Node& node) {
  if (node.domain != "fovea") return false;
  if (node.op_type == "MaxPool") return true;
  if (node.op_type != "FusedConv") return false;
  auto layout = node.attr_string("layout", "NCHW");
  return !layout.is_ok() || *layout != "NCHW";
}

// Union-find over node indices.
class DisjointSets {
 public:
  explicit DisjointSets(size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), size_t{0}); }
  size_t find(size_t i) {
    while (parent_[i] != i) i = parent_[i] = parent_[parent_[i]];
    return i;
  }
  void unite(size_t a, size_t b) { parent_[find(a)] = find(b); }

 private:
  std::vector<size_t> parent_;
};

struct Region {
  std::vector<Node*> nodes;
  int convs = 0;
  std::vector<Value*> entering;  // NCHW values read by the region: a Transpose to NHWC each
  std::vector<Value*> leaving;   // region values also needed in NCHW: a Transpose back each
};

class NhwcConversion {
 public:
  NhwcConversion(Graph& graph, NhwcReport& report) : graph_(graph), report_(report) {}

  Status run() {
    for (const auto& n : graph_.nodes())
      if (auto plan = plan_nhwc_node(graph_, *n)) plans_.emplace(n.get(), std::move(*plan));
    for (Region& region : find_regions()) {
      const int transposes = static_cast<int>(region.entering.size() + region.leaving.size());
      if (region.convs == 0 || transposes > 2 * region.convs) {
        ++report_.regions_skipped;
        continue;
      }
      FOVEA_RETURN_IF_ERROR(convert(region));
      ++report_.regions;
      report_.convs += region.convs;
      report_.nodes += static_cast<int>(region.nodes.size());
      report_.transposes += transposes;
    }
    return Status::ok();
  }

 private:
  // True when `consumer` reads `v` as one of its NHWC layout inputs.
  bool reads_as_layout_input(const Node* consumer, const Value* v) const {
    auto it = plans_.find(consumer);
    if (it == plans_.end()) return false;
    return std::any_of(it->second.layout_inputs.begin(), it->second.layout_inputs.end(),
                       [&](size_t i) { return consumer->inputs[i] == v; });
  }

  // True when something reads region value `v` in NCHW: a graph output, an op outside any
  // region, or a read that is not a layout input.
  bool needed_in_nchw(const Value* v) const {
    if (is_graph_output(graph_, v)) return true;
    for (const Node* c : v->consumers) {
      auto it = plans_.find(c);
      if (it == plans_.end()) return true;
      for (size_t i = 0; i < c->inputs.size(); ++i)
        if (c->inputs[i] == v && std::find(it->second.layout_inputs.begin(), it->second.layout_inputs.end(), i) ==
                                     it->second.layout_inputs.end())
          return true;
    }
    return false;
  }

  // Connected components of the plannable nodes, linked by the layout tensors they exchange or
  // share, in graph order.
  std::vector<Region> find_regions() const {
    std::vector<Node*> nodes;
    std::unordered_map<const Node*, size_t> index;
    for (const auto& n : graph_.nodes())
      if (plans_.count(n.get())) {
        index[n.get()] = nodes.size();
        nodes.push_back(n.get());
      }
    DisjointSets sets(nodes.size());
    std::unordered_map<const Value*, size_t> first_reader;
    for (size_t k = 0; k < nodes.size(); ++k) {
      for (size_t i : plans_.at(nodes[k]).layout_inputs) {
        const Value* v = nodes[k]->inputs[i];
        if (v->producer && index.count(v->producer)) sets.unite(k, index.at(v->producer));
        auto [it, fresh] = first_reader.emplace(v, k);
        if (!fresh) sets.unite(k, it->second);
      }
    }
    std::vector<Region> regions;
    std::unordered_map<size_t, size_t> region_of_root;
    for (size_t k = 0; k < nodes.size(); ++k) {
      auto [it, fresh] = region_of_root.emplace(sets.find(k), regions.size());
      if (fresh) regions.emplace_back();
      Region& r = regions[it->second];
      Node* n = nodes[k];
      r.nodes.push_back(n);
      r.convs += plans_.at(n).role == NhwcRole::kConv ? 1 : 0;
      for (size_t i : plans_.at(n).layout_inputs) {
        Value* v = n->inputs[i];
        const bool from_region = v->producer && index.count(v->producer);
        if (!from_region && std::find(r.entering.begin(), r.entering.end(), v) == r.entering.end())
          r.entering.push_back(v);
      }
      for (Value* out : n->outputs)
        if (out && needed_in_nchw(out)) r.leaving.push_back(out);
    }
    return regions;
  }

  std::string unique_node_name(const std::string& base) {
    if (node_names_.empty())
      for (const auto& n : graph_.nodes()) node_names_.insert(n->name);
    std::string name = base;
    for (int i = 1; node_names_.count(name); ++i) name = base + "_" + std::to_string(i);
    node_names_.insert(name);
    return name;
  }

  // A Transpose named after the NCHW value it converts ("x_to_nhwc", "y_to_nchw").
  Result<Node*> add_transpose(Value* in, Value* out, const std::vector<int64_t>& perm) {
    const bool to_nhwc = perm == kToNhwc;
    Node* t = graph_.add_node(unique_node_name((to_nhwc ? in : out)->name + (to_nhwc ? "_to_nhwc" : "_to_nchw")),
                              "Transpose");
    t->set_attribute("perm", perm);
    t->inputs = {in};
    t->outputs = {out};
    FOVEA_RETURN_IF_ERROR(graph_.connect(t));
    return t;
  }

  Result<Value*> add_nhwc_value(const Value* like) {
    FOVEA_ASSIGN_OR_RETURN(Value* v, graph_.add_value_with_unique_name(like->name + "_nhwc"));
    v->dtype = like->dtype;
    v->shape = permuted_shape(*like->shape, kToNhwc);
    return v;
  }

  // Points every layout-input read of `from` by a node of `region` at `to`.
  void redirect_layout_reads(const Region& region, const Value* from, Value* to) const {
    for (Node* n : region.nodes)
      for (size_t i : plans_.at(n).layout_inputs)
        if (n->inputs[i] == from) n->replace_input(i, to);
  }

  Status convert(const Region& region) {
    // Outputs first: their shapes are still NCHW, which the NHWC shape of each is made from.
    std::unordered_set<const Value*> leaving(region.leaving.begin(), region.leaving.end());
    for (Node* n : region.nodes) {
      for (Value*& out : n->outputs) {
        if (!out) continue;
        if (!leaving.count(out)) {
          out->shape = permuted_shape(*out->shape, kToNhwc);  // now holds NHWC data
          continue;
        }
        // The node writes a new NHWC value; the old one, under its name, becomes the Transpose's.
        Value* nchw = out;
        FOVEA_ASSIGN_OR_RETURN(Value* nhwc, add_nhwc_value(nchw));
        out = nhwc;
        nhwc->producer = n;
        nchw->producer = nullptr;
        redirect_layout_reads(region, nchw, nhwc);
        FOVEA_RETURN_IF_ERROR(add_transpose(nhwc, nchw, kToNchw).status());
      }
    }
    for (Value* v : region.entering) {
      FOVEA_ASSIGN_OR_RETURN(Value* nhwc, add_nhwc_value(v));
      redirect_layout_reads(region, v, nhwc);
      FOVEA_RETURN_IF_ERROR(add_transpose(v, nhwc, kToNhwc).status());
    }
    for (Node* n : region.nodes) FOVEA_RETURN_IF_ERROR(rewrite_node_for_nhwc(graph_, *n, plans_.at(n), constants_));
    return Status::ok();
  }

  Graph& graph_;
  NhwcReport& report_;
  std::unordered_map<const Node*, NhwcNodePlan> plans_;
  NhwcConstantCache constants_;
  std::unordered_set<std::string> node_names_;
};

}  // namespace

Result<int> convert_to_nhwc(Graph& graph, NhwcReport* report) {
  NhwcReport local;
  NhwcReport& rep = report ? *report : local;
  rep = NhwcReport{};
  for (const auto& n : graph.nodes())
    if (is_nhwc_node(*n)) {
      log::debug("convert_to_nhwc: {} is already NHWC; graph left unchanged", n->describe());
      return 0;
    }
  NhwcConversion conversion(graph, rep);
  FOVEA_RETURN_IF_ERROR(conversion.run());
  if (rep.convs == 0) return 0;
  graph.remove_nodes({});  // drops the NCHW weights and operands nothing reads any more
  ShapeInferenceOptions options;
  options.evaluate = cpu::run_node;
  FOVEA_RETURN_IF_ERROR(infer_shapes(graph, options).with_context("shape inference after the NHWC layout pass"));
  return rep.convs;
}

}  // namespace fovea
