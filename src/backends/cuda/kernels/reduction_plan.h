// Host-side decomposition of a reduction over arbitrary axes into the two index maps the
// reduction launchers walk: one over the kept (output) dims, one over the reduced dims, both
// giving element offsets into the input. Framework-free (DESIGN.md rule 3).
#pragma once

#include <cstdint>
#include <vector>

#include "backends/cuda/kernels/strided_indexer.h"

namespace fovea::cuda::kernels {

struct ReductionPlan {
  StridedIndexer kept;      // output linear index -> input offset of that output's first element
  StridedIndexer reduced;   // reduction linear index -> input offset relative to that first element
  int64_t out_count = 1;    // product of kept dims (the output's element count)
  int64_t reduce_count = 1; // product of reduced dims (elements combined per output)
  // The innermost non-trivial input axis is reduced: each output's elements sit close together,
  // so a block cooperates on one output. Otherwise neighbouring outputs are neighbours in memory
  // and one thread per output reads coalesced.
  bool inner_reduced = false;
};

// Adjacent axes with the same flag are merged and size-1 axes dropped (as the CPU reference
// does), so a global pool or a last-axis reduction becomes one contiguous run. `reduced` has one
// flag per dim. Returns false when a merged index map would exceed kMaxRank dims.
inline bool plan_reduction(const std::vector<int64_t>& dims, const std::vector<bool>& reduced, ReductionPlan* plan) {
  std::vector<int64_t> mdims, mstrides;
  std::vector<bool> mred;
  // Walk from the innermost dim so strides accumulate; merge into the previous (inner) group.
  int64_t stride = 1;
  for (size_t d = dims.size(); d-- > 0;) {
    if (dims[d] == 1) continue;
    if (!mdims.empty() && mred.back() == reduced[d]) {
      mdims.back() *= dims[d];
    } else {
      mdims.push_back(dims[d]);
      mstrides.push_back(stride);
      mred.push_back(reduced[d]);
    }
    stride *= dims[d];
  }
  *plan = ReductionPlan{};
  plan->inner_reduced = !mred.empty() && mred.front();
  // mdims is innermost-first; the indexers want outermost-first.
  for (size_t i = mdims.size(); i-- > 0;) {
    StridedIndexer& ix = mred[i] ? plan->reduced : plan->kept;
    if (ix.rank >= kMaxRank) return false;
    ix.out_dims[ix.rank] = mdims[i];
    ix.in_strides[ix.rank] = mstrides[i];
    ++ix.rank;
    (mred[i] ? plan->reduce_count : plan->out_count) *= mdims[i];
  }
  return true;
}

}  // namespace fovea::cuda::kernels
