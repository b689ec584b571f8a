#include "backends/cuda/conv_tactic_id.h"

namespace fovea::cuda {
namespace {

// Names of cudnnConvolutionFwdAlgo_t / cudnnConvolutionBwdDataAlgo_t values, by value.
const char* forward_algo_name(int algo) {
  static const char* const names[] = {"IMPLICIT_GEMM", "IMPLICIT_PRECOMP_GEMM", "GEMM",     "DIRECT",
                                      "FFT",           "FFT_TILING",            "WINOGRAD", "WINOGRAD_NONFUSED"};
  return algo >= 0 && algo < 8 ? names[algo] : "UNKNOWN";
}
const char* backward_data_algo_name(int algo) {
  static const char* const names[] = {"ALGO_0", "ALGO_1", "FFT", "FFT_TILING", "WINOGRAD", "WINOGRAD_NONFUSED"};
  return algo >= 0 && algo < 6 ? names[algo] : "UNKNOWN";
}

// cudnnMathType_t values: 0 default, 1 tensor op, 2 tensor op allowing conversion, 3 FMA.
const char* math_suffix(int math) {
  switch (math) {
    case 1: return ":tensor_op";
    case 2: return ":tensor_op_conv";
    case 3: return ":fma";
    default: return "";
  }
}

}  // namespace

int64_t encode_conv_tactic(const ConvTacticChoice& c) {
  if (c.depthwise) return kDepthwiseTacticId;
  return static_cast<int64_t>(c.algo) | static_cast<int64_t>(c.math) << 8 | static_cast<int64_t>(c.fused) << 16;
}

std::optional<ConvTacticChoice> decode_conv_tactic(const Tactic& t, int algo_count) {
  ConvTacticChoice c;
  if (t.id == kDepthwiseTacticId) {
    if (t.name != kDepthwiseTacticName) return std::nullopt;
    c.depthwise = true;
    return c;
  }
  if (t.id < 0 || t.id >= (int64_t{1} << 17)) return std::nullopt;
  c.algo = static_cast<int>(t.id & 0xff);
  c.math = static_cast<int>((t.id >> 8) & 0xff);
  c.fused = ((t.id >> 16) & 1) != 0;
  if (c.algo >= algo_count || c.math > 3) return std::nullopt;
  return c;
}

std::string conv_tactic_name(const ConvTacticChoice& c, bool backward_data) {
  if (c.depthwise) return kDepthwiseTacticName;
  std::string name = backward_data ? std::string("cudnn:bwd_data:") + backward_data_algo_name(c.algo)
                                   : std::string("cudnn:") + forward_algo_name(c.algo);
  name += math_suffix(c.math);
  if (c.fused) name += "+bias_act";
  return name;
}

}  // namespace fovea::cuda
