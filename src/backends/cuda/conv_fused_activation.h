// The activation attributes shared by fovea.FusedConv / FusedGemm / FusedMatMul
// (docs/fused-ops.md), parsed into the launchers' ActivationParams. CUDA-free: host-tested.
#pragma once

#include "backends/cuda/kernels/activation_math.h"
#include "core/status.h"
#include "ir/graph.h"

namespace fovea::cuda {

// Through ops/fused_activation.h's parser (names, defaults, validation live there): kNone for
// plain ONNX ops (no `activation` attribute); unknown names are an error naming the node.
Result<kernels::ActivationParams> parse_fused_activation(const Node& node);

// fovea.FusedConv's residual_after_activation (false for plain Conv).
Result<bool> parse_residual_after_activation(const Node& node);

}  // namespace fovea::cuda
