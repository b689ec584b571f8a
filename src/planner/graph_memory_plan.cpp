// plan_graph_memory: sizes every device value, finds views and elided Concats, gives each buffer
// owner a lifetime covering every value that lives in it, and assigns offsets with plan_buffers.
#include <algorithm>
#include <unordered_map>

#include "planner/memory_plan.h"
#include "planner/value_aliasing.h"

namespace fovea::planner {
namespace {

Result<std::map<const Value*, size_t>> value_sizes(const std::map<const Value*, Dims>& dims) {
  std::map<const Value*, size_t> bytes;
  for (const auto& [v, d] : dims) {
    if (!v) return invalid_argument("memory planning: the dims map holds a null value");
    const size_t element_size = dtype_size(v->dtype);
    if (element_size == 0)
      return invalid_argument("memory planning: value '{}' has dtype {}, which has no device storage", v->name,
                              dtype_name(v->dtype));
    auto count = checked_element_count(d, element_size);
    if (!count.is_ok()) return count.status().with_context("memory planning: value '" + v->name + "'");
    bytes[v] = static_cast<size_t>(*count) * element_size;
  }
  return bytes;
}

struct Lifetime {
  int first = 0, last = 0;
};

}  // namespace

Result<GraphMemoryPlan> plan_graph_memory(const Graph& graph, const std::vector<const Node*>& order,
                                          const std::map<const Value*, Dims>& dims,
                                          const GraphMemoryOptions& options) {
  FOVEA_ASSIGN_OR_RETURN(auto bytes, value_sizes(dims));
  FOVEA_ASSIGN_OR_RETURN(AliasAnalysis aliases, find_aliases(graph, order, dims, bytes, options));

  const int num_steps = static_cast<int>(order.size());
  std::unordered_map<const Node*, int> step_of;
  for (int s = 0; s < num_steps; ++s)
    if (!step_of.emplace(order[s], s).second)
      return invalid_argument("memory planning: {} appears twice in the execution order", order[s]->describe());

  // The steps at which each value is written and last read. Skipped nodes neither write nor read:
  // the values they "produce" already live in their base's memory.
  auto own_lifetime = [&](const Value* v) {
    Lifetime t;
    auto producer = v->producer ? step_of.find(v->producer) : step_of.end();
    const bool whole_run = v->is_constant() && !v->producer;  // a weight someone asked to plan
    t.first = producer != step_of.end() ? producer->second : 0;
    t.last = t.first;
    for (const Node* c : v->consumers) {
      auto it = step_of.find(c);
      if (it != step_of.end() && !aliases.skipped_nodes.count(c)) t.last = std::max(t.last, it->second);
    }
    if (whole_run || std::find(graph.outputs.begin(), graph.outputs.end(), v) != graph.outputs.end())
      t.last = num_steps;
    // Inputs are written by the caller before a run and may be read by the next run too.
    if (options.inputs_live_to_end && std::find(graph.inputs.begin(), graph.inputs.end(), v) != graph.inputs.end())
      t.last = num_steps;
    return t;
  };

  // Buffer owners in value-name order, so plans do not depend on pointer values.
  std::vector<const Value*> planned;
  for (const auto& [v, d] : dims) planned.push_back(v);
  std::sort(planned.begin(), planned.end(), [](const Value* a, const Value* b) { return a->name < b->name; });

  std::map<const Value*, Lifetime> owner_lifetime;
  std::map<const Value*, Alias> location;
  for (const Value* v : planned) {
    const Alias where = aliases.resolve(v);
    if (!dims.count(where.base))
      return internal_error("memory planning: value '{}' aliases '{}', which is not planned", v->name, where.base->name);
    location[v] = where;
    const Lifetime t = own_lifetime(v);
    auto [it, inserted] = owner_lifetime.emplace(where.base, t);
    if (!inserted) {
      it->second.first = std::min(it->second.first, t.first);
      it->second.last = std::max(it->second.last, t.last);
    }
  }

  std::vector<BufferRequest> requests;
  std::vector<const Value*> owners;
  for (const Value* v : planned) {
    auto it = owner_lifetime.find(v);
    if (it == owner_lifetime.end()) continue;
    requests.push_back(BufferRequest{v->name, bytes.at(v), it->second.first, it->second.last});
    owners.push_back(v);
  }
  FOVEA_ASSIGN_OR_RETURN(MemoryPlan buffers, plan_buffers(requests, options.alignment));

  GraphMemoryPlan plan;
  std::map<const Value*, size_t> owner_offset;
  for (size_t i = 0; i < owners.size(); ++i) owner_offset[owners[i]] = buffers.offsets[i];
  for (const Value* v : planned) {
    const Alias& where = location.at(v);
    plan.placement[v] = ValuePlacement{owner_offset.at(where.base) + where.byte_offset, bytes.at(v)};
    plan.buffer_owner[v] = where.base;
    plan.naive_bytes += bytes.at(v);
  }
  plan.skipped_nodes = std::move(aliases.skipped_nodes);
  plan.arena_bytes = buffers.arena_bytes;
  plan.views = aliases.views;
  plan.elided_concats = aliases.elided_concats;
  plan.buffers = static_cast<int>(owners.size());
  return plan;
}

std::string GraphMemoryPlan::report() const {
  constexpr double kMiB = 1024.0 * 1024.0;
  const double saved = naive_bytes ? 100.0 * (1.0 - static_cast<double>(arena_bytes) / static_cast<double>(naive_bytes)) : 0.0;
  return fmt::format(
      "memory plan: {} device tensors in {} buffers; arena {:.2f} MiB versus {:.2f} MiB with one buffer per tensor "
      "({:.1f}% saved); {} views and {} elided concats leave {} nodes with nothing to run.",
      placement.size(), buffers, static_cast<double>(arena_bytes) / kMiB, static_cast<double>(naive_bytes) / kMiB, saved,
      views, elided_concats, skipped_nodes.size());
}

}  // namespace fovea::planner
