#include "backends/cuda/conv_tactic_id.h"

#include <charconv>
#include <string_view>

namespace fovea::cuda {
namespace {

// Parses a whole decimal int64 (optional '-'); nullopt otherwise.
std::optional<int64_t> parse_int(std::string_view s) {
  int64_t v = 0;
  if (s.empty()) return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

// FNV-1a over the knob text, folded to 24 bits: distinguishes configurations of one engine in the id.
int64_t knob_hash24(const std::string& text) {
  uint32_t h = 2166136261u;
  for (char ch : text) h = (h ^ static_cast<uint8_t>(ch)) * 16777619u;
  return static_cast<int64_t>((h ^ (h >> 24)) & 0xffffffu);
}

int64_t encode_graph(const CudnnEngineConfigId& g) {
  return kCudnnGraphTacticFlag | (g.engine & 0xffff) << 24 | knob_hash24(g.to_string());
}

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

std::string CudnnEngineConfigId::to_string() const {
  std::string s = "engine" + std::to_string(engine);
  for (size_t i = 0; i < knobs.size(); ++i)
    s += (i == 0 ? ":k" : ",k") + std::to_string(knobs[i].first) + "=" + std::to_string(knobs[i].second);
  return s;
}

std::optional<CudnnEngineConfigId> CudnnEngineConfigId::parse(const std::string& text) {
  constexpr std::string_view kEngine = "engine";
  std::string_view s = text;
  if (s.substr(0, kEngine.size()) != kEngine) return std::nullopt;
  s.remove_prefix(kEngine.size());
  const size_t colon = s.find(':');
  CudnnEngineConfigId id;
  auto engine = parse_int(s.substr(0, colon));
  if (!engine || *engine < 0) return std::nullopt;
  id.engine = *engine;
  if (colon != std::string_view::npos) {
    std::string_view rest = s.substr(colon + 1);
    while (true) {
      const size_t comma = rest.find(',');
      std::string_view knob = rest.substr(0, comma);
      const size_t eq = knob.find('=');
      if (knob.size() < 4 || knob[0] != 'k' || eq == std::string_view::npos) return std::nullopt;
      auto type = parse_int(knob.substr(1, eq - 1));
      auto value = parse_int(knob.substr(eq + 1));
      if (!type || !value || *type < 0) return std::nullopt;
      if (!id.knobs.empty() && id.knobs.back().first >= *type) return std::nullopt;  // sorted, unique
      id.knobs.emplace_back(*type, *value);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  if (id.to_string() != text) return std::nullopt;  // one spelling only (no "+1", "007", ...)
  return id;
}

int64_t encode_conv_tactic(const ConvTacticChoice& c) {
  if (c.graph) return encode_graph(*c.graph);
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
  if (t.id & kCudnnGraphTacticFlag) {
    const std::string_view prefix = kCudnnGraphTacticPrefix;
    if (t.name.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
    auto g = CudnnEngineConfigId::parse(t.name.substr(prefix.size()));
    if (!g || encode_graph(*g) != t.id) return std::nullopt;
    c.graph = std::move(g);
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
  if (c.graph) return kCudnnGraphTacticPrefix + c.graph->to_string();
  if (c.depthwise) return kDepthwiseTacticName;
  std::string name = backward_data ? std::string("cudnn:bwd_data:") + backward_data_algo_name(c.algo)
                                   : std::string("cudnn:") + forward_algo_name(c.algo);
  name += math_suffix(c.math);
  if (c.fused) name += "+bias_act";
  return name;
}

}  // namespace fovea::cuda
