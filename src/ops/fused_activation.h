// The activation attributes shared by fovea.FusedConv, fovea.FusedGemm and fovea.FusedMatMul
// (docs/fused-ops.md): `activation`, `activation_alpha`, `activation_beta`. Parsed and validated
// once here, so shape functions, CPU kernels and passes agree on names and defaults.
#pragma once

#include <optional>
#include <string_view>

#include "core/status.h"
#include "ir/graph.h"

namespace fovea {

enum class FusedActivationKind { kNone, kRelu, kLeakyRelu, kSigmoid, kSiLU, kHardSwish, kHardSigmoid, kClip, kTanh };

struct FusedActivation {
  FusedActivationKind kind = FusedActivationKind::kNone;
  float alpha = 0.0f;  // LeakyRelu slope; Clip minimum; HardSigmoid alpha
  float beta = 0.0f;   // Clip maximum; HardSigmoid beta
};

// The attribute spelling of `kind` ("" for kNone, "SiLU", ...).
std::string_view fused_activation_name(FusedActivationKind kind);
// The kind spelled `name`, or nullopt for an unknown name.
std::optional<FusedActivationKind> fused_activation_from_name(std::string_view name);

// Reads and validates the activation attributes of `node`; absent alpha/beta take the ONNX
// defaults of the activation (LeakyRelu 0.01, HardSigmoid 0.2/0.5, Clip -inf/+inf).
Result<FusedActivation> parse_fused_activation(const Node& node);

// Writes the activation attributes onto `node` (nothing for kNone).
void set_fused_activation(Node& node, const FusedActivation& activation);

}  // namespace fovea
