// Pad's parameters, shared by the shape function and the CPU kernel.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "ir/graph.h"

namespace fovea {

enum class PadMode { kConstant, kReflect, kEdge, kWrap };

Result<PadMode> pad_mode(const Node& node);

// Per-axis (begin, end) pads for a tensor of `rank`, from the 'pads' attribute (opset < 11) or
// the given pads / axes input values (opset >= 11; axes from opset 18). Negative pads crop.
Result<std::vector<std::pair<int64_t, int64_t>>> pad_amounts(const Node& node, int64_t opset, int64_t rank,
                                                              const std::optional<std::vector<int64_t>>& pads,
                                                              const std::optional<std::vector<int64_t>>& axes);

}  // namespace fovea
