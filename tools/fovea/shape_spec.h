// Input shapes chosen on the command line: trtexec's `--shapes name:1x3x640x640` syntax, and the
// rule for symbolic dims without one (taken as 1, and said so).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/shape.h"
#include "core/status.h"
#include "ir/graph.h"

namespace fovea::cli {

// Input dims by input name.
using ShapeOverrides = std::map<std::string, Dims>;

// Parses "name:1x3x640x640" entries, each possibly a comma-separated list; the last ':' separates
// the name from the dims (names may contain ':'). A scalar is "name:" with no dims.
Result<ShapeOverrides> parse_shape_overrides(const std::vector<std::string>& specs);

// Checks that every override names a graph input and matches its declared rank and fixed dims.
Status check_shape_overrides(const Graph& graph, const ShapeOverrides& overrides);

// Concrete dims for a graph input: the override when given, else the declared shape with each
// symbolic or unknown dim taken as 1 (recorded in `assumptions`, e.g. "input 'images' dim 0
// ('batch') = 1"). An input without a declared shape needs an override.
Result<Dims> concrete_input_dims(const Value& input, const ShapeOverrides& overrides,
                                 std::vector<std::string>* assumptions);

}  // namespace fovea::cli
