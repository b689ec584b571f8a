// ONNX multidirectional (numpy) broadcasting of shapes, symbolic dims included.
#pragma once

#include "core/shape.h"
#include "core/status.h"

namespace fovea {

// Broadcast of two shapes; `what` names the node for errors.
Result<Shape> broadcast_shapes(const Shape& a, const Shape& b, const std::string& what);
Result<Dims> broadcast_dims(const Dims& a, const Dims& b, const std::string& what);

}  // namespace fovea
