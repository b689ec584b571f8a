// Hardmax: 1 at the first maximum along the axis, 0 elsewhere. Same validation as Softmax
// (before opset 13 the input is coerced to 2-D at `axis`; from 13 a single axis).
#include "ops/shape_functions.h"

namespace fovea {

Status infer_hardmax(InferContext& ctx) { return infer_softmax(ctx); }

}  // namespace fovea
