#include "engine/plan_sections.h"

#include <limits>

#include <nlohmann/json.hpp>

namespace fovea::plan_sections {
namespace {

using Json = nlohmann::json;

// Strings that are not valid UTF-8 (a file name can be any bytes) are written with U+FFFD
// instead of throwing.
std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

Result<Json> parse_object(std::string_view text, const char* section) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return invalid_argument("the {} section is not valid JSON", section);
  if (!j.is_object()) return invalid_argument("the {} section is JSON but not an object", section);
  return j;
}

// Reads obj[key] as a string. A missing key is an error when `required`, else leaves `out`.
Status read_string(const Json& obj, const char* key, bool required, const std::string& where, std::string* out) {
  const auto it = obj.find(key);
  if (it == obj.end()) return required ? invalid_argument("{}: field '{}' is missing", where, key) : Status::ok();
  if (!it->is_string()) return invalid_argument("{}: field '{}' is not a string", where, key);
  *out = it->get<std::string>();
  return Status::ok();
}

Status read_int(const Json& obj, const char* key, bool required, int64_t min, int64_t max, const std::string& where,
                int64_t* out) {
  const auto it = obj.find(key);
  if (it == obj.end()) return required ? invalid_argument("{}: field '{}' is missing", where, key) : Status::ok();
  if (it->is_number_unsigned()) {
    const uint64_t u = it->get<uint64_t>();
    if (u > static_cast<uint64_t>(max)) return invalid_argument("{}: field '{}' = {} is over {}", where, key, u, max);
    *out = static_cast<int64_t>(u);
  } else if (it->is_number_integer()) {
    *out = it->get<int64_t>();
  } else {
    return invalid_argument("{}: field '{}' is not an integer", where, key);
  }
  if (*out < min || *out > max) return invalid_argument("{}: field '{}' = {} is outside [{}, {}]", where, key, *out, min, max);
  return Status::ok();
}

Status read_int32(const Json& obj, const char* key, bool required, const std::string& where, int* out) {
  int64_t v = *out;
  FOVEA_RETURN_IF_ERROR(read_int(obj, key, required, 0, std::numeric_limits<int>::max(), where, &v));
  *out = static_cast<int>(v);
  return Status::ok();
}

}  // namespace

std::string header_to_json(const PlanHeader& h) {
  Json env = {
      {"gpu_name", h.environment.gpu_name},
      {"compute_major", h.environment.compute_major},
      {"compute_minor", h.environment.compute_minor},
      {"cuda_runtime_version", h.environment.cuda_runtime_version},
      {"cudnn_version", h.environment.cudnn_version},
      {"cublas_version", h.environment.cublas_version},
  };
  Json j = {
      {"format_version", h.format_version},
      {"fovea_version", h.fovea_version},
      {"environment", env},
      {"build_options_json", h.build_options_json},
      {"onnx_hash", h.onnx_hash},
      {"source_model", h.source_model},
  };
  return dump(j);
}

Result<PlanHeader> header_from_json(std::string_view json, uint32_t format_version) {
  FOVEA_ASSIGN_OR_RETURN(Json j, parse_object(json, "header"));
  const bool strict = format_version == kPlanFormatVersion;
  const std::string where = "plan header";
  PlanHeader h;
  h.format_version = format_version;
  h.fovea_version.clear();
  int64_t recorded_version = format_version;
  FOVEA_RETURN_IF_ERROR(read_int(j, "format_version", strict, 1, std::numeric_limits<uint32_t>::max(), where, &recorded_version));
  if (recorded_version != format_version)
    return invalid_argument("{}: field 'format_version' = {} but the file's prefix says {} (corrupt file?)", where,
                            recorded_version, format_version);
  FOVEA_RETURN_IF_ERROR(read_string(j, "fovea_version", strict, where, &h.fovea_version));
  FOVEA_RETURN_IF_ERROR(read_string(j, "build_options_json", strict, where, &h.build_options_json));
  FOVEA_RETURN_IF_ERROR(read_string(j, "onnx_hash", strict, where, &h.onnx_hash));
  FOVEA_RETURN_IF_ERROR(read_string(j, "source_model", strict, where, &h.source_model));
  const auto env = j.find("environment");
  if (env == j.end()) {
    if (strict) return invalid_argument("{}: field 'environment' is missing", where);
    return h;
  }
  if (!env->is_object()) return invalid_argument("{}: field 'environment' is not an object", where);
  const std::string env_where = where + " environment";
  PlanEnvironment& e = h.environment;
  FOVEA_RETURN_IF_ERROR(read_string(*env, "gpu_name", strict, env_where, &e.gpu_name));
  FOVEA_RETURN_IF_ERROR(read_int32(*env, "compute_major", strict, env_where, &e.compute_major));
  FOVEA_RETURN_IF_ERROR(read_int32(*env, "compute_minor", strict, env_where, &e.compute_minor));
  FOVEA_RETURN_IF_ERROR(read_int32(*env, "cuda_runtime_version", strict, env_where, &e.cuda_runtime_version));
  FOVEA_RETURN_IF_ERROR(read_int32(*env, "cudnn_version", strict, env_where, &e.cudnn_version));
  FOVEA_RETURN_IF_ERROR(read_int32(*env, "cublas_version", strict, env_where, &e.cublas_version));
  return h;
}

std::string tactics_to_json(const std::map<std::string, Tactic>& tactics) {
  Json j = Json::object();
  for (const auto& [node, t] : tactics)
    j[node] = {{"name", t.name}, {"id", t.id}, {"workspace_bytes", static_cast<uint64_t>(t.workspace_bytes)}};
  return dump(j);
}

Result<std::map<std::string, Tactic>> tactics_from_json(std::string_view json) {
  FOVEA_ASSIGN_OR_RETURN(Json j, parse_object(json, "tactics"));
  std::map<std::string, Tactic> tactics;
  for (const auto& [node, entry] : j.items()) {
    const std::string where = fmt::format("tactic of node '{}'", node);
    if (!entry.is_object()) return invalid_argument("{}: not a JSON object", where);
    Tactic t;
    FOVEA_RETURN_IF_ERROR(read_string(entry, "name", true, where, &t.name));
    FOVEA_RETURN_IF_ERROR(
        read_int(entry, "id", true, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), where, &t.id));
    int64_t workspace = 0;
    FOVEA_RETURN_IF_ERROR(read_int(entry, "workspace_bytes", true, 0, std::numeric_limits<int64_t>::max(), where, &workspace));
    t.workspace_bytes = static_cast<size_t>(workspace);
    tactics.emplace(node, std::move(t));
  }
  return tactics;
}

}  // namespace fovea::plan_sections
