// The pass pipeline: folding (static shapes, constants, dead nodes) until nothing changes,
// BatchNormalization into convs, then the fusions (conv, gemm/matmul, element-wise chains), with
// shape inference re-run between stages so every pass sees current shapes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "ir/graph.h"

namespace fovea {

struct PassOptions {
  bool fold = true;   // shape folding, constant folding, dead-node elimination
  bool fuse = true;   // BatchNormalization folding and the fovea.Fused* fusions
  int64_t max_folded_constant_bytes = int64_t{16} << 20;
  int max_fold_rounds = 16;
};

struct PassStat {
  std::string pass;
  int rewrites = 0;  // summed over every time the pass ran
};

struct PassReport {
  size_t nodes_before = 0;
  size_t nodes_after = 0;
  std::vector<PassStat> passes;  // in first-run order

  int rewrites(const std::string& pass) const;
  // "constant_folding 12, ..., nodes 233 -> 120", one pass per line.
  std::string to_string() const;
};

// Optimizes `graph` in place. The graph must have passed check_supported_ops; shapes are
// (re-)inferred here with build-time evaluation on the CPU kernels.
Result<PassReport> optimize_graph(Graph& graph, const PassOptions& options = {});

}  // namespace fovea
