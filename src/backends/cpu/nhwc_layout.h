// The NHWC CPU kernels (fovea.FusedConv with layout NHWC, fovea.MaxPool) are the NCHW kernels
// between two transposes; these are the permutations and the copy they use.
#pragma once

#include <vector>

#include "core/status.h"
#include "core/tensor.h"

namespace fovea::cpu {

// Output dim i of the permuted tensor is input dim perm[i].
inline const std::vector<int64_t> kNhwcToNchwPerm = {0, 3, 1, 2};  // also KRSC -> KCRS
inline const std::vector<int64_t> kNchwToNhwcPerm = {0, 2, 3, 1};

// A new contiguous tensor holding `t` transposed by `perm` (rank 4).
Result<Tensor> permuted_copy(const Tensor& t, const std::vector<int64_t>& perm);
// Writes `src` transposed by `perm` into the already allocated `dst`, whose dims must match.
Status permute_into(const Tensor& src, const std::vector<int64_t>& perm, Tensor& dst);

}  // namespace fovea::cpu
