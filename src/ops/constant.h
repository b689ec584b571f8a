// Attribute decoding shared by the Constant / ConstantOfShape shape functions and CPU kernels.
#pragma once

#include "core/tensor.h"
#include "ir/graph.h"

namespace fovea {

// Constant's data, from whichever of value / value_float(s) / value_int(s) the node has.
Result<Tensor> constant_attribute_value(const Node& node);
// ConstantOfShape's one-element fill value (float32 0 when absent).
Result<Tensor> constant_of_shape_fill(const Node& node);

}  // namespace fovea
