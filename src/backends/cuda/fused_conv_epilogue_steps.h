// fovea.FusedConv's epilogue (bias, residual, activation: docs/fused-ops.md) written as a chain of
// cuDNN pointwise operations, for the graph-API conv tactic (cudnn_fused_conv_graph.h). Activations
// cuDNN has no pointwise mode for (HardSwish, HardSigmoid, Clip, LeakyRelu) are composed from
// MUL / ADD / MAX / MIN with scalar operands. CUDA-free: host tests evaluate the steps and compare
// them with kernels/activation_math.h.
#pragma once

#include <vector>

#include "backends/cuda/kernels/activation_math.h"

namespace fovea::cuda {

// The cuDNN pointwise modes the chain uses (cudnnPointwiseMode_t: ADD, MUL, MAX, MIN, RELU_FWD,
// SIGMOID_FWD, SWISH_FWD with beta 1, TANH_FWD).
enum class EpilogueOp { kAdd, kMul, kMax, kMin, kRelu, kSigmoid, kSwish, kTanh };

bool epilogue_op_is_binary(EpilogueOp op);

// The second operand of a binary step.
struct EpilogueOperand {
  enum class Kind { kNone, kValue, kBias, kResidual, kScalar };
  Kind kind = Kind::kNone;
  int value = 0;       // kValue: 0 the convolution's result, i + 1 the result of step i
  float scalar = 0.f;  // kScalar: a by-value constant
};

// result = op(values[input], b) (unary ops ignore b).
struct EpilogueStep {
  EpilogueOp op = EpilogueOp::kAdd;
  int input = 0;  // as EpilogueOperand::value
  EpilogueOperand b;
};

// y = act(conv + bias + residual) or act(conv + bias) + residual. The output is the result of
// the last step, or the convolution's when the list is empty.
std::vector<EpilogueStep> fused_conv_epilogue_steps(const kernels::ActivationParams& activation, bool has_bias,
                                                    bool has_residual, bool residual_after_activation);

}  // namespace fovea::cuda
