// MaxUnpool's default output dims, shared by its shape function and CPU kernel: Indices are
// flat positions in a tensor of these dims, even when output_shape asks for a larger output.
#pragma once

#include "core/shape.h"
#include "core/status.h"
#include "ir/graph.h"

namespace fovea {

// [N, C, (in - 1) * stride + kernel - pad_begin - pad_end ...] for X dims `x` (-1 = unknown,
// kept unknown). Errors for invalid attributes or a negative dim.
Result<Dims> max_unpool_default_dims(const Node& node, const Dims& x);

}  // namespace fovea
