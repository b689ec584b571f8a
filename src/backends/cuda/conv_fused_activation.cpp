#include "backends/cuda/conv_fused_activation.h"

#include "ops/fused_activation.h"

namespace fovea::cuda {
namespace {

kernels::Activation to_launcher(FusedActivationKind k) {
  using kernels::Activation;
  switch (k) {
    case FusedActivationKind::kNone: return Activation::kNone;
    case FusedActivationKind::kRelu: return Activation::kRelu;
    case FusedActivationKind::kLeakyRelu: return Activation::kLeakyRelu;
    case FusedActivationKind::kSigmoid: return Activation::kSigmoid;
    case FusedActivationKind::kSiLU: return Activation::kSiLU;
    case FusedActivationKind::kHardSwish: return Activation::kHardSwish;
    case FusedActivationKind::kHardSigmoid: return Activation::kHardSigmoid;
    case FusedActivationKind::kClip: return Activation::kClip;
    case FusedActivationKind::kTanh: return Activation::kTanh;
  }
  return Activation::kNone;
}

}  // namespace

Result<kernels::ActivationParams> parse_fused_activation(const Node& node) {
  // The shared parser (ops/fused_activation.h) owns the names and defaults.
  FOVEA_ASSIGN_OR_RETURN(FusedActivation a, ::fovea::parse_fused_activation(node));
  return kernels::ActivationParams{to_launcher(a.kind), a.alpha, a.beta};
}

Result<bool> parse_residual_after_activation(const Node& node) {
  FOVEA_ASSIGN_OR_RETURN(int64_t v, node.attr_int("residual_after_activation", 0));
  return v != 0;
}

}  // namespace fovea::cuda
