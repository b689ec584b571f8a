// BatchNormalization folded into the Conv, ConvTranspose or Gemm before it:
//   s = gamma / sqrt(var + eps),  W' = W * s (per output channel),  B' = (B - mean) * s + beta.
// Only when the producer's output is read by the BatchNormalization alone, every weight and BN
// parameter is a float32 constant, and BN runs in inference mode (one output).
#pragma once

#include "core/status.h"
#include "ir/graph.h"

namespace fovea {

// Returns the number of BatchNormalization nodes folded.
Result<int> fold_batchnorm_into_conv(Graph& graph);

}  // namespace fovea
