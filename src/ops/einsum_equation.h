// Einsum equation parsing, shared by the shape function and the CPU kernel. Each term is turned
// into a list of axis ids: letters are ids 0..51 (ASCII order, so implicit outputs sort like
// numpy), and the dims covered by "..." become ids kEllipsisBase + j, right-aligned across inputs
// so that ellipsis dims broadcast like numpy.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace fovea {

inline constexpr int kEllipsisBase = 52;

struct EinsumAxes {
  std::vector<std::vector<int>> inputs;  // per input: axis id of each of its dims
  std::vector<int> output;               // axis id of each output dim
  int num_ids = 0;                       // ids are < num_ids
};

// Parses `equation` for inputs of the given ranks; errors for malformed equations (bad
// characters, wrong term count, label count not matching a rank, output labels not in inputs,
// repeated output labels, more than one ellipsis per term).
Result<EinsumAxes> parse_einsum(const std::string& equation, const std::vector<int64_t>& ranks);

}  // namespace fovea
