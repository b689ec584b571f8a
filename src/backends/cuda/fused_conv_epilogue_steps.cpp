#include "backends/cuda/fused_conv_epilogue_steps.h"

#include <limits>

namespace fovea::cuda {
namespace {

using Kind = EpilogueOperand::Kind;
constexpr float kInf = std::numeric_limits<float>::infinity();

class Chain {
 public:
  // The index of the newest value (the convolution's result before any step).
  int last() const { return static_cast<int>(steps_.size()); }
  void unary(EpilogueOp op) { steps_.push_back({op, last(), {}}); }
  void with(EpilogueOp op, EpilogueOperand b) { steps_.push_back({op, last(), b}); }
  void with_scalar(EpilogueOp op, float s) { with(op, {Kind::kScalar, 0, s}); }
  void with_value(EpilogueOp op, int value) { with(op, {Kind::kValue, value, 0.f}); }
  std::vector<EpilogueStep> take() { return std::move(steps_); }

 private:
  std::vector<EpilogueStep> steps_;
};

// clamp(alpha * v + beta, 0, 1) of the newest value.
void hard_sigmoid(Chain& c, float alpha, float beta) {
  c.with_scalar(EpilogueOp::kMul, alpha);
  c.with_scalar(EpilogueOp::kAdd, beta);
  c.with_scalar(EpilogueOp::kMax, 0.f);
  c.with_scalar(EpilogueOp::kMin, 1.f);
}

void activation_steps(Chain& c, const kernels::ActivationParams& a) {
  using kernels::Activation;
  const int v = c.last();
  switch (a.kind) {
    case Activation::kNone: return;
    case Activation::kRelu: c.unary(EpilogueOp::kRelu); return;
    case Activation::kSigmoid: c.unary(EpilogueOp::kSigmoid); return;
    case Activation::kSiLU: c.unary(EpilogueOp::kSwish); return;
    case Activation::kTanh: c.unary(EpilogueOp::kTanh); return;
    case Activation::kLeakyRelu:
      // max(v, alpha v) for alpha <= 1, min(v, alpha v) above: v where v >= 0, alpha v below.
      c.with_scalar(EpilogueOp::kMul, a.alpha);
      c.with_value(a.alpha <= 1.f ? EpilogueOp::kMax : EpilogueOp::kMin, v);
      return;
    case Activation::kHardSigmoid: hard_sigmoid(c, a.alpha, a.beta); return;
    case Activation::kHardSwish:
      hard_sigmoid(c, 1.f / 6.f, 0.5f);
      c.with_value(EpilogueOp::kMul, v);
      return;
    case Activation::kClip:
      // An infinite bound (Clip without min or max) clamps nothing.
      if (a.alpha != -kInf) c.with_scalar(EpilogueOp::kMax, a.alpha);
      if (a.beta != kInf) c.with_scalar(EpilogueOp::kMin, a.beta);
      return;
  }
}

}  // namespace

bool epilogue_op_is_binary(EpilogueOp op) {
  return op == EpilogueOp::kAdd || op == EpilogueOp::kMul || op == EpilogueOp::kMax || op == EpilogueOp::kMin;
}

std::vector<EpilogueStep> fused_conv_epilogue_steps(const kernels::ActivationParams& activation, bool has_bias,
                                                    bool has_residual, bool residual_after_activation) {
  Chain c;
  if (has_bias) c.with(EpilogueOp::kAdd, {Kind::kBias, 0, 0.f});
  if (has_residual && !residual_after_activation) c.with(EpilogueOp::kAdd, {Kind::kResidual, 0, 0.f});
  activation_steps(c, activation);
  if (has_residual && residual_after_activation) c.with(EpilogueOp::kAdd, {Kind::kResidual, 0, 0.f});
  return c.take();
}

}  // namespace fovea::cuda
