// How conv tactics are named and encoded in Tactic.id, so a plan or timing cache entry turns back
// into the same choice without asking cuDNN again. CUDA-free: host-tested.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "backends/tactic.h"

namespace fovea::cuda {

// One engine configuration of cuDNN's graph (backend) API: the engine's global index and its knob
// choices (cudnnBackendKnobType_t value, knob value), sorted by knob type. Enough to rebuild the
// same configuration for the same operation graph without asking the heuristics again.
struct CudnnEngineConfigId {
  int64_t engine = 0;
  std::vector<std::pair<int64_t, int64_t>> knobs;

  bool operator==(const CudnnEngineConfigId&) const = default;
  // "engine12" or "engine12:k2=3,k14=-1".
  std::string to_string() const;
  // The inverse of to_string; nullopt for anything it did not write.
  static std::optional<CudnnEngineConfigId> parse(const std::string& text);
};

struct ConvTacticChoice {
  bool depthwise = false;  // fovea:depthwise, the direct kernel
  int algo = 0;            // cudnnConvolutionFwdAlgo_t / cudnnConvolutionBwdDataAlgo_t value
  int math = 0;            // cudnnMathType_t value
  bool fused = false;      // cudnnConvolutionBiasActivationForward (bias, Relu/identity, residual)
  // cuDNN graph API: conv + bias + activation (+ residual) as one engine configuration
  // (cudnn_fused_conv_graph.h); algo / math / fused are unused then.
  std::optional<CudnnEngineConfigId> graph;
};

inline constexpr int64_t kDepthwiseTacticId = int64_t{1} << 24;
inline constexpr const char* kDepthwiseTacticName = "fovea:depthwise";
// Graph-API tactics: this bit, the engine index (16 bits) << 24 and a 24-bit hash of the knobs.
// The name carries the full configuration; the id is checked against it when decoded.
inline constexpr int64_t kCudnnGraphTacticFlag = int64_t{1} << 40;
inline constexpr const char* kCudnnGraphTacticPrefix = "cudnn-graph:";

// id = algo | math << 8 | fused << 16; kDepthwiseTacticId for the depthwise kernel; graph
// configurations as above (ids of the other kinds stay below 2^25, so old plans keep their meaning).
int64_t encode_conv_tactic(const ConvTacticChoice& c);
// nullopt for an id no conv kernel produced, or a graph tactic whose name does not match its id
// (the caller falls back to its default).
std::optional<ConvTacticChoice> decode_conv_tactic(const Tactic& t, int algo_count);

// "cudnn:IMPLICIT_PRECOMP_GEMM", "cudnn:IMPLICIT_PRECOMP_GEMM:tensor_op+bias_act",
// "cudnn:bwd_data:ALGO_1", "cudnn-graph:engine12:k2=3,k14=1", ...
std::string conv_tactic_name(const ConvTacticChoice& c, bool backward_data);

}  // namespace fovea::cuda
