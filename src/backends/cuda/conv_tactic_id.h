// How conv tactics are named and encoded in Tactic.id, so a plan or timing cache entry turns back
// into the same choice without asking cuDNN again. CUDA-free: host-tested.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "backends/tactic.h"

namespace fovea::cuda {

struct ConvTacticChoice {
  bool depthwise = false;  // fovea:depthwise, the direct kernel
  int algo = 0;            // cudnnConvolutionFwdAlgo_t / cudnnConvolutionBwdDataAlgo_t value
  int math = 0;            // cudnnMathType_t value
  bool fused = false;      // cudnnConvolutionBiasActivationForward (bias, Relu/identity, residual)
};

inline constexpr int64_t kDepthwiseTacticId = int64_t{1} << 24;
inline constexpr const char* kDepthwiseTacticName = "fovea:depthwise";

// id = algo | math << 8 | fused << 16; kDepthwiseTacticId for the depthwise kernel.
int64_t encode_conv_tactic(const ConvTacticChoice& c);
// nullopt for an id no conv kernel produced (the caller falls back to its default).
std::optional<ConvTacticChoice> decode_conv_tactic(const Tactic& t, int algo_count);

// "cudnn:IMPLICIT_PRECOMP_GEMM", "cudnn:IMPLICIT_PRECOMP_GEMM:tensor_op+bias_act",
// "cudnn:bwd_data:ALGO_1", ...
std::string conv_tactic_name(const ConvTacticChoice& c, bool backward_data);

}  // namespace fovea::cuda
