// Range's element count, shared by the shape function and the CPU kernel.
#pragma once

#include "core/tensor.h"

namespace fovea {

// max(ceil((limit - start) / delta), 0) for scalars of one numeric dtype; an error for delta 0
// or a count too large to hold.
Result<int64_t> range_count(const Tensor& start, const Tensor& limit, const Tensor& delta);

}  // namespace fovea
