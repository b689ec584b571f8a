// Slice's per-axis ranges, shared by the shape function and the CPU kernel.
#pragma once

#include <optional>
#include <vector>

#include "core/status.h"
#include "ir/graph.h"

namespace fovea {

struct SliceSpec {
  std::vector<int64_t> starts, ends, axes, steps;  // axes normalized to [0, rank)
};

// Collects starts/ends/axes/steps from attributes (opset < 10) or from the given input values
// (nullopt: input absent), validating lengths, axes and steps. `rank` is the data's rank.
Result<SliceSpec> make_slice_spec(const Node& node, int64_t opset, int64_t rank,
                                  std::optional<std::vector<int64_t>> starts, std::optional<std::vector<int64_t>> ends,
                                  std::optional<std::vector<int64_t>> axes, std::optional<std::vector<int64_t>> steps);

struct SliceRange {
  int64_t start = 0;  // first index read
  int64_t step = 1;
  int64_t count = 0;  // number of elements selected
};

// ONNX clamping of one axis: negative starts/ends count from the end, then clamp to the dim
// ([0, dim] for positive steps, [-1, dim-1] for negative ones); INT64 max/min ends work.
SliceRange resolve_slice_axis(int64_t start, int64_t end, int64_t step, int64_t dim);

}  // namespace fovea
