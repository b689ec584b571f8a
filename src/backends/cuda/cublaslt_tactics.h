// cuBLASLt algorithms as tactics. cublasLtMatmulAlgo_t is opaque, so a tactic stores the index of
// the algorithm in the heuristic's answer ("cublaslt:algo<i>", id i); a run asks the same
// heuristic question again (same shape, alignments and workspace limit) and takes that index.
#pragma once

#include <cublasLt.h>

#include <optional>
#include <vector>

#include "backends/tactic.h"
#include "core/status.h"

namespace fovea::cuda {

inline constexpr int kCublasLtRequestedAlgos = 8;

std::vector<Tactic> cublaslt_tactics(const std::vector<cublasLtMatmulHeuristicResult_t>& algos);

// The index to run: the tactic's when it names a listed algorithm that fits in `limit` bytes,
// else the first that fits; nullopt when none does.
std::optional<size_t> choose_cublaslt_algo(const std::vector<cublasLtMatmulHeuristicResult_t>& algos,
                                           const Tactic* tactic, size_t limit);

}  // namespace fovea::cuda
