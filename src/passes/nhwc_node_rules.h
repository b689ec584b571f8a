// The per-op half of the NHWC layout pass (passes/nhwc_layout.h): which nodes can compute on
// NHWC tensors, which of their inputs are then NHWC, and the rewrite of one node's op type,
// attributes and constant operands. Inputs and outputs that carry the 4-D activations
// ("layout inputs" / every output) are rewired by the pass itself.
#pragma once

#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "core/status.h"
#include "ir/graph.h"

namespace fovea {

enum class NhwcRole {
  kConv,         // Conv / fovea.FusedConv -> fovea.FusedConv layout NHWC, W as KRSC
  kMaxPool,      // MaxPool -> fovea.MaxPool
  kGlobalPool,   // GlobalAveragePool / GlobalMaxPool -> ReduceMean / ReduceMax over axes [1,2]
  kElementwise,  // element-wise ops and fovea.FusedElementwise: constant operands permuted
  kAxis,         // Concat / Split: the axis attribute mapped
  kSlice,        // Slice: the axes mapped
  kResize,       // Resize / Upsample: scales, sizes and roi permuted
};

struct NhwcNodePlan {
  NhwcRole role;
  std::vector<size_t> layout_inputs;  // indices of the inputs that are NHWC activations
};

// Where NCHW axis a lives in NHWC: N 0 -> 0, C 1 -> 3, H 2 -> 1, W 3 -> 2.
inline constexpr int64_t kNchwAxisInNhwc[4] = {0, 3, 1, 2};

// How `node` takes part in an NHWC region, or nullopt when it cannot (a region boundary). Every
// output of a node with a plan is a 4-D activation that becomes NHWC.
std::optional<NhwcNodePlan> plan_nhwc_node(const Graph& graph, const Node& node);

// New constants made by the rewrites, by (original constant, kind of conversion), so shared
// weights and per-channel operands are converted once.
using NhwcConstantCache = std::map<std::pair<const Value*, int>, Value*>;

// Rewrites `node` (which has `plan`) to compute on NHWC tensors: op type, domain, attributes and
// constant inputs. Layout inputs and outputs are left for the caller to rewire.
Status rewrite_node_for_nhwc(Graph& graph, Node& node, const NhwcNodePlan& plan, NhwcConstantCache& cache);

}  // namespace fovea
