#include "planner/value_aliasing.h"

#include <algorithm>
#include <optional>
#include <string_view>

#include "ops/slice.h"

namespace fovea::planner {
namespace {

bool is_default_domain(const Node& node) { return node.domain.empty() || node.domain == "ai.onnx"; }

// Ops whose output is their input reinterpreted: same bytes, new dims.
bool is_reshape_like(const Node& node) {
  static constexpr std::string_view kOps[] = {"Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout"};
  return is_default_domain(node) && std::find(std::begin(kOps), std::end(kOps), node.op_type) != std::end(kOps);
}

bool contains(const std::vector<Value*>& values, const Value* v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

int64_t product(const Dims& d, size_t begin, size_t end) {
  int64_t p = 1;
  for (size_t i = begin; i < end && i < d.size(); ++i) p *= d[i];
  return p;
}

// A constant 1-D integer input as a vector; nullopt when absent; an empty optional in
// `known` when the input is present but not constant.
std::optional<std::vector<int64_t>> constant_ints(const Node& node, size_t i, bool& known) {
  if (!node.has_input(i)) return std::nullopt;
  const Value* v = node.inputs[i];
  if (!v->constant || !dtype_is_integer(v->constant->dtype())) {
    known = false;
    return std::nullopt;
  }
  return v->constant->to_int64_vector();
}

// Byte offset of a Slice's output inside its input when the selected elements form one
// contiguous range: unit steps, every dim before the first multi-element one selects a single
// index, every dim after it is taken whole.
std::optional<size_t> slice_view_offset(const Node& node, int64_t opset, const Dims& in, const Dims& out,
                                        size_t element_size) {
  bool known = true;
  auto starts = constant_ints(node, 1, known), ends = constant_ints(node, 2, known);
  auto axes = constant_ints(node, 3, known), steps = constant_ints(node, 4, known);
  if (!known) return std::nullopt;
  const int64_t rank = static_cast<int64_t>(in.size());
  auto spec = make_slice_spec(node, opset, rank, starts, ends, axes, steps);
  if (!spec.is_ok()) return std::nullopt;  // the shape function reports it; planning just declines
  Dims start(in.size(), 0), count = in;
  std::vector<int64_t> step(in.size(), 1);
  for (size_t i = 0; i < spec->axes.size(); ++i) {
    const size_t ax = static_cast<size_t>(spec->axes[i]);
    const SliceRange r = resolve_slice_axis(spec->starts[i], spec->ends[i], spec->steps[i], in[ax]);
    start[ax] = r.start;
    count[ax] = r.count;
    step[ax] = r.step;
  }
  if (count != out || product(count, 0, count.size()) == 0) return std::nullopt;
  size_t k = 0;  // first dim selecting more than one index
  while (k < count.size() && count[k] == 1) ++k;
  if (k < count.size() && step[k] != 1) return std::nullopt;
  for (size_t j = k + 1; j < count.size(); ++j)
    if (start[j] != 0 || count[j] != in[j]) return std::nullopt;
  int64_t elements = 0, stride = 1;
  for (size_t j = in.size(); j-- > 0;) {
    elements += start[j] * stride;
    stride *= in[j];
  }
  return static_cast<size_t>(elements) * element_size;
}

// Byte offsets of a Split's outputs inside its input when every chunk is contiguous (all dims
// before the axis are 1).
std::optional<std::vector<size_t>> split_view_offsets(const Node& node, const Dims& in,
                                                      const std::vector<const Dims*>& outs, size_t element_size) {
  auto axis_attr = node.attr_int("axis", 0);
  if (!axis_attr.is_ok()) return std::nullopt;
  const int64_t rank = static_cast<int64_t>(in.size());
  if (*axis_attr < -rank || *axis_attr >= rank) return std::nullopt;
  const size_t axis = static_cast<size_t>(*axis_attr < 0 ? *axis_attr + rank : *axis_attr);
  if (product(in, 0, axis) != 1) return std::nullopt;
  const int64_t inner = product(in, axis + 1, in.size());
  std::vector<size_t> offsets;
  int64_t along = 0;
  for (const Dims* o : outs) {
    if (o->size() != in.size()) return std::nullopt;
    for (size_t j = 0; j < in.size(); ++j)
      if (j != axis && (*o)[j] != in[j]) return std::nullopt;
    offsets.push_back(static_cast<size_t>(along * inner) * element_size);
    along += (*o)[axis];
  }
  if (along != in[axis]) return std::nullopt;
  return offsets;
}

class AliasFinder {
 public:
  AliasFinder(const Graph& graph, const std::vector<const Node*>& order, const std::map<const Value*, Dims>& dims,
              const std::map<const Value*, size_t>& bytes)
      : graph_(graph), dims_(dims), bytes_(bytes), in_order_(order.begin(), order.end()) {}

  AliasAnalysis& result() { return result_; }

  // Makes the node's outputs views of its input 0 when it moves no data; true when it did.
  bool try_view(const Node& node) {
    if (!node.has_input(0) || node.outputs.empty()) return false;
    const Value* in = node.inputs[0];
    if (!planned(in)) return false;
    std::vector<const Dims*> out_dims;
    for (const Value* out : node.outputs) {
      if (!out || !planned(out) || out->dtype != in->dtype) return false;
      out_dims.push_back(&dims_.at(out));
    }
    const size_t element_size = dtype_size(in->dtype);
    std::optional<std::vector<size_t>> offsets;
    if (is_reshape_like(node)) {
      // Dropout's mask output is real data; Identity/Reshape/... have one output.
      if (node.outputs.size() != 1 || bytes_.at(node.outputs[0]) != bytes_.at(in)) return false;
      offsets = std::vector<size_t>{0};
    } else if (is_default_domain(node) && node.op_type == "Slice" && node.outputs.size() == 1) {
      auto off = slice_view_offset(node, graph_.opset, dims_.at(in), *out_dims[0], element_size);
      if (off) offsets = std::vector<size_t>{*off};
    } else if (is_default_domain(node) && node.op_type == "Split") {
      offsets = split_view_offsets(node, dims_.at(in), out_dims, element_size);
    }
    if (!offsets) return false;
    // A graph output must own memory apart from the caller's input buffer: then the node copies.
    const bool base_is_input = contains(graph_.inputs, result_.resolve(in).base);
    for (const Value* out : node.outputs)
      if (base_is_input && contains(graph_.outputs, out)) return false;
    for (size_t k = 0; k < node.outputs.size(); ++k) result_.aliases[node.outputs[k]] = Alias{in, (*offsets)[k]};
    result_.skipped_nodes.insert(&node);
    ++result_.views;
    return true;
  }

  // Places every input of a Concat at its byte offset inside the output, so the producers write
  // the concatenated result directly and the Concat has nothing left to do.
  bool try_elide_concat(const Node& node) {
    if (!is_default_domain(node) || node.op_type != "Concat" || node.outputs.size() != 1) return false;
    const Value* out = node.outputs[0];
    if (!out || !planned(out)) return false;
    const Dims& od = dims_.at(out);
    auto axis_attr = node.attr_int("axis", 0);
    const int64_t rank = static_cast<int64_t>(od.size());
    if (!axis_attr.is_ok() || *axis_attr < -rank || *axis_attr >= rank) return false;
    const size_t axis = static_cast<size_t>(*axis_attr < 0 ? *axis_attr + rank : *axis_attr);
    if (product(od, 0, axis) != 1) return false;  // each input would be strided inside the output
    std::vector<std::pair<const Value*, size_t>> places;
    size_t offset = 0;
    for (const Value* in : node.inputs) {
      if (!in || !planned(in) || in->is_constant() || in->dtype != out->dtype || contains(graph_.inputs, in)) return false;
      if (!in->producer || !in_order_.count(in->producer) || result_.skipped_nodes.count(in->producer)) return false;
      // Already inside another elided Concat, or listed twice here: it cannot be in two places.
      if (result_.aliases.count(in)) return false;
      for (const auto& [seen, off] : places)
        if (seen == in) return false;
      places.emplace_back(in, offset);
      offset += bytes_.at(in);
    }
    if (places.empty() || offset != bytes_.at(out)) return false;
    for (const auto& [in, off] : places) result_.aliases[in] = Alias{out, off};
    result_.skipped_nodes.insert(&node);
    ++result_.elided_concats;
    return true;
  }

 private:
  bool planned(const Value* v) const { return v && dims_.count(v) > 0; }

  const Graph& graph_;
  const std::map<const Value*, Dims>& dims_;
  const std::map<const Value*, size_t>& bytes_;
  std::set<const Node*> in_order_;
  AliasAnalysis result_;
};

}  // namespace

Alias AliasAnalysis::resolve(const Value* v) const {
  Alias r{v, 0};
  // Alias chains are acyclic by construction; the bound only guards against a future bug.
  for (size_t hops = 0; hops <= aliases.size(); ++hops) {
    auto it = aliases.find(r.base);
    if (it == aliases.end()) break;
    r.byte_offset += it->second.byte_offset;
    r.base = it->second.base;
  }
  return r;
}

Result<AliasAnalysis> find_aliases(const Graph& graph, const std::vector<const Node*>& order,
                                   const std::map<const Value*, Dims>& dims, const std::map<const Value*, size_t>& bytes,
                                   const GraphMemoryOptions& options) {
  AliasFinder finder(graph, order, dims, bytes);
  for (const Node* node : order) {
    if (!node) return invalid_argument("memory planning: the execution order holds a null node");
    if (options.views && finder.try_view(*node)) continue;
    if (options.concat_elision) finder.try_elide_concat(*node);
  }
  return std::move(finder.result());
}

}  // namespace fovea::planner
