#include "ops/fused_activation.h"

#include <array>
#include <limits>
#include <utility>

namespace fovea {
namespace {

constexpr std::array<std::pair<FusedActivationKind, std::string_view>, 9> kNames = {{
    {FusedActivationKind::kNone, ""},
    {FusedActivationKind::kRelu, "Relu"},
    {FusedActivationKind::kLeakyRelu, "LeakyRelu"},
    {FusedActivationKind::kSigmoid, "Sigmoid"},
    {FusedActivationKind::kSiLU, "SiLU"},
    {FusedActivationKind::kHardSwish, "HardSwish"},
    {FusedActivationKind::kHardSigmoid, "HardSigmoid"},
    {FusedActivationKind::kClip, "Clip"},
    {FusedActivationKind::kTanh, "Tanh"},
}};

}  // namespace

std::string_view fused_activation_name(FusedActivationKind kind) {
  for (const auto& [k, name] : kNames)
    if (k == kind) return name;
  return "";
}

std::optional<FusedActivationKind> fused_activation_from_name(std::string_view name) {
  for (const auto& [k, n] : kNames)
    if (n == name) return k;
  return std::nullopt;
}

Result<FusedActivation> parse_fused_activation(const Node& node) {
  FOVEA_ASSIGN_OR_RETURN(std::string name, node.attr_string("activation", ""));
  const auto kind = fused_activation_from_name(name);
  if (!kind) return invalid_argument("{}: unknown activation '{}'", node.describe(), name);
  float alpha_default = 0.0f, beta_default = 0.0f;
  switch (*kind) {
    case FusedActivationKind::kLeakyRelu: alpha_default = 0.01f; break;
    case FusedActivationKind::kHardSigmoid: alpha_default = 0.2f; beta_default = 0.5f; break;
    case FusedActivationKind::kClip:
      alpha_default = -std::numeric_limits<float>::infinity();
      beta_default = std::numeric_limits<float>::infinity();
      break;
    case FusedActivationKind::kNone:
    case FusedActivationKind::kRelu:
    case FusedActivationKind::kSigmoid:
    case FusedActivationKind::kSiLU:
    case FusedActivationKind::kHardSwish:
    case FusedActivationKind::kTanh: break;
  }
  FusedActivation act;
  act.kind = *kind;
  FOVEA_ASSIGN_OR_RETURN(act.alpha, node.attr_float("activation_alpha", alpha_default));
  FOVEA_ASSIGN_OR_RETURN(act.beta, node.attr_float("activation_beta", beta_default));
  if (act.alpha != act.alpha || act.beta != act.beta)
    return invalid_argument("{}: activation_alpha/activation_beta must not be NaN", node.describe());
  return act;
}

void set_fused_activation(Node& node, const FusedActivation& activation) {
  if (activation.kind == FusedActivationKind::kNone) return;
  node.set_attribute("activation", std::string(fused_activation_name(activation.kind)));
  node.set_attribute("activation_alpha", activation.alpha);
  node.set_attribute("activation_beta", activation.beta);
}

}  // namespace fovea
