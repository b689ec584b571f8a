#include "backends/cuda/cublaslt_tactics.h"

#include <string>

namespace fovea::cuda {

std::vector<Tactic> cublaslt_tactics(const std::vector<cublasLtMatmulHeuristicResult_t>& algos) {
  std::vector<Tactic> out;
  for (size_t i = 0; i < algos.size(); ++i)
    out.push_back(Tactic{"cublaslt:algo" + std::to_string(i), static_cast<int64_t>(i), algos[i].workspaceSize});
  return out;
}

std::optional<size_t> choose_cublaslt_algo(const std::vector<cublasLtMatmulHeuristicResult_t>& algos,
                                           const Tactic* tactic, size_t limit) {
  if (tactic && tactic->name.starts_with("cublaslt:") && tactic->id >= 0 &&
      static_cast<size_t>(tactic->id) < algos.size() && algos[static_cast<size_t>(tactic->id)].workspaceSize <= limit)
    return static_cast<size_t>(tactic->id);
  for (size_t i = 0; i < algos.size(); ++i)
    if (algos[i].workspaceSize <= limit) return i;
  return std::nullopt;
}

}  // namespace fovea::cuda
