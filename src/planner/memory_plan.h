// Device memory planning: every intermediate tensor of an engine gets a byte offset inside one
// arena, sized by the peak of simultaneously live tensors instead of their sum. Reshape-like
// nodes become views (their output aliases their input) and Concats whose inputs can be written
// straight into the output are elided; the executor skips those nodes.
#pragma once

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/shape.h"
#include "core/status.h"
#include "ir/graph.h"

namespace fovea::planner {

// One device tensor the executor needs memory for, in execution-step terms.
struct BufferRequest {
  std::string name;          // value name, for reports
  size_t bytes = 0;
  int first_step = 0;        // step that writes it (0 for tensors live from the start: graph inputs)
  int last_step = 0;         // last step that reads it (num_steps for graph outputs: live to the end)
};

struct MemoryPlan {
  std::vector<size_t> offsets;   // per request, aligned
  size_t arena_bytes = 0;        // the arena size the offsets need (peak)
  size_t naive_bytes = 0;        // sum of all request sizes, for the report
};

// Offset assignment with lifetimes (greedy by size, best fit: two requests share memory only when
// their [first_step, last_step] intervals do not overlap). `alignment` must be a power of two;
// every offset is a multiple of it. Errors name the request at fault (negative or reversed steps).
Result<MemoryPlan> plan_buffers(const std::vector<BufferRequest>& requests, size_t alignment = 256);

// True when requests a and b are live at a common step (their intervals are inclusive).
inline bool lifetimes_overlap(const BufferRequest& a, const BufferRequest& b) {
  return a.first_step <= b.last_step && b.first_step <= a.last_step;
}

// Graph-level planning: which values become views and where every device value lives.
struct ValuePlacement {
  size_t offset = 0;          // byte offset in the arena
  size_t bytes = 0;
};

struct GraphMemoryPlan {
  std::map<const Value*, ValuePlacement> placement;  // every planned device value
  std::set<const Node*> skipped_nodes;               // views / elided concats: nothing to run
  // For every planned value, the value whose buffer it lives in (itself when it owns one).
  std::map<const Value*, const Value*> buffer_owner;
  size_t arena_bytes = 0, naive_bytes = 0;
  int views = 0, elided_concats = 0;
  int buffers = 0;                                   // owned buffers (planned values minus aliases)
  std::string report() const;                        // one paragraph, human readable
};

struct GraphMemoryOptions {
  // Graph inputs keep their memory for the whole run (an engine's caller writes an input once
  // and may enqueue it several times); false lets later tensors reuse it after its last reader.
  bool inputs_live_to_end = true;
  bool views = true;
  bool concat_elision = true;
  size_t alignment = 256;
};

// order: execution order of the nodes that run on the device. dims: the concrete dims of every
// device value (node outputs and graph inputs; values missing from `dims` are host-only or
// weights and are not planned). Graph inputs are planned from step 0, graph outputs to the end.
// Node k of `order` runs at step k; there are order.size() steps.
Result<GraphMemoryPlan> plan_graph_memory(const Graph& graph, const std::vector<const Node*>& order,
                                          const std::map<const Value*, Dims>& dims,
                                          const GraphMemoryOptions& options = {});

}  // namespace fovea::planner
