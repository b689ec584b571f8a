// A kernel choice for one node, chosen by timing at build time and stored in plans and the
// timing cache. CUDA-free so the plan file and the cache build without a GPU toolkit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace fovea {

struct Tactic {
  std::string name;             // "cudnn:IMPLICIT_PRECOMP_GEMM", "cublaslt:algo3", "fovea:depthwise"
  int64_t id = 0;               // meaningful only to the kernel that listed it
  size_t workspace_bytes = 0;   // device scratch the tactic needs

  bool operator==(const Tactic&) const = default;
};

}  // namespace fovea
