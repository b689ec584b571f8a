// Which device values can live inside another value's memory: outputs of Reshape-like nodes,
// contiguous Slices and Splits alias their input (the node is skipped), and inputs of a Concat
// that can be written straight into the Concat's output alias that output (the Concat is skipped).
#pragma once

#include <map>
#include <set>

#include "planner/memory_plan.h"

namespace fovea::planner {

struct Alias {
  const Value* base = nullptr;  // the value whose memory this one lives in
  size_t byte_offset = 0;       // where inside the base
};

struct AliasAnalysis {
  std::map<const Value*, Alias> aliases;  // only values that do not own a buffer
  std::set<const Node*> skipped_nodes;
  int views = 0;
  int elided_concats = 0;

  // Follows aliases to the value that owns the buffer, accumulating the byte offset.
  Alias resolve(const Value* v) const;
};

// Walks `order` once, deciding views first-come first-served. `bytes` holds the size of every
// planned value (the keys of `dims`).
Result<AliasAnalysis> find_aliases(const Graph& graph, const std::vector<const Node*>& order,
                                   const std::map<const Value*, Dims>& dims, const std::map<const Value*, size_t>& bytes,
                                   const GraphMemoryOptions& options);

}  // namespace fovea::planner
