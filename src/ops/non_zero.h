// NonZero's element test, shared by the shape function (which needs the count) and the kernel.
#pragma once

#include <vector>

#include "core/tensor.h"

namespace fovea {

// Flat indices of the non-zero elements of `t` (-0.0 counts as zero, NaN as non-zero).
Result<std::vector<int64_t>> nonzero_flat_indices(const Tensor& t);

}  // namespace fovea
