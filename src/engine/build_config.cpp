#include "engine/build_config.h"

#include <nlohmann/json.hpp>

namespace fovea {

const char* precision_name(Precision p) { return p == Precision::kFp16 ? "fp16" : "fp32"; }

Result<Precision> parse_precision(const std::string& s) {
  if (s == "fp32") return Precision::kFp32;
  if (s == "fp16") return Precision::kFp16;
  return invalid_argument("unknown precision '{}' (expected fp32 or fp16)", s);
}

std::string BuildConfig::to_json() const {
  nlohmann::json j;  // std::map-backed: keys come out sorted
  j["precision"] = precision_name(precision);
  nlohmann::json shapes = nlohmann::json::object();
  for (const auto& [name, r] : input_shapes) shapes[name] = {{"min", r.min}, {"opt", r.opt}, {"max", r.max}};
  j["input_shapes"] = shapes;
  if (batch_min) j["batch"] = {*batch_min, *batch_opt, *batch_max};
  j["workspace_bytes"] = workspace_bytes;
  nlohmann::json layers = nlohmann::json::object();
  for (const auto& [name, p] : layer_precision) layers[name] = precision_name(p);
  j["layer_precision"] = layers;
  j["cuda_graphs"] = enable_cuda_graphs;
  return j.dump();
}

Result<BuildConfig> BuildConfig::from_json(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return invalid_argument("build options: not a JSON object");
  BuildConfig c;
  try {
    FOVEA_ASSIGN_OR_RETURN(c.precision, parse_precision(j.at("precision").get<std::string>()));
    for (const auto& [name, r] : j.at("input_shapes").items()) {
      c.input_shapes[name] = {r.at("min").get<Dims>(), r.at("opt").get<Dims>(), r.at("max").get<Dims>()};
    }
    if (j.contains("batch")) {
      const auto b = j.at("batch").get<std::vector<int64_t>>();
      if (b.size() != 3) return invalid_argument("build options: 'batch' needs 3 values");
      c.batch_min = b[0], c.batch_opt = b[1], c.batch_max = b[2];
    }
    c.workspace_bytes = j.at("workspace_bytes").get<size_t>();
    for (const auto& [name, p] : j.at("layer_precision").items()) {
      FOVEA_ASSIGN_OR_RETURN(c.layer_precision[name], parse_precision(p.get<std::string>()));
    }
    c.enable_cuda_graphs = j.at("cuda_graphs").get<bool>();
  } catch (const nlohmann::json::exception& e) {
    return invalid_argument("build options: {}", e.what());
  }
  return c;
}

}  // namespace fovea
