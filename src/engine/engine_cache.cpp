#include "engine/engine_cache.h"

#include <filesystem>
#include <fstream>

#include "core/logging.h"

namespace fovea {
namespace {

namespace fs = std::filesystem;

Result<std::string> model_hash(const std::string& onnx_path) {
  std::error_code ec;
  if (!fs::is_regular_file(onnx_path, ec)) return not_found("ONNX model '{}' is not a readable file", onnx_path);
  std::ifstream in(onnx_path, std::ios::binary);
  if (!in) return io_error("cannot open ONNX model '{}'", onnx_path);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return io_error("reading ONNX model '{}' failed", onnx_path);
  return hash_model_bytes(std::as_bytes(std::span(data.data(), data.size())));
}

std::string hex_digits(const std::string& hash, size_t count) {
  const size_t colon = hash.find(':');
  return hash.substr(colon == std::string::npos ? 0 : colon + 1, count);
}

// Empty when the cached plan can be reused, else why not.
std::string reason_to_rebuild(const std::string& plan_path, const std::string& onnx_hash, const std::string& build_options_json,
                              const PlanEnvironment& current) {
  std::error_code ec;
  if (!fs::exists(plan_path, ec)) return "no cached plan";
  auto header = read_plan_header(plan_path);
  if (!header.is_ok()) return "the cached plan is unreadable: " + header.status().message();
  if (header->onnx_hash != onnx_hash)
    return fmt::format("the cached plan was built from other ONNX bytes ({}, the model is {})", header->onnx_hash, onnx_hash);
  if (header->build_options_json != build_options_json)
    return fmt::format("the cached plan was built with other build options ({})", header->build_options_json);
  Status compatible = check_plan_compatible(*header, current, plan_path);
  if (!compatible.is_ok()) return compatible.message();
  return "";
}

}  // namespace

std::string cached_plan_path(const std::string& cache_dir, const std::string& onnx_path, const std::string& onnx_hash,
                             const std::string& build_options_json) {
  const std::string options_hash =
      hex_digits(hash_model_bytes(std::as_bytes(std::span(build_options_json.data(), build_options_json.size()))), 8);
  const std::string name =
      fmt::format("{}-{}-{}.plan", fs::path(onnx_path).stem().string(), hex_digits(onnx_hash, 16), options_hash);
  return (fs::path(cache_dir) / name).string();
}

Result<EngineCacheResult> resolve_cached_plan(const std::string& onnx_path, const std::string& cache_dir,
                                              const std::string& build_options_json, const PlanEnvironment& current,
                                              bool force_rebuild,
                                              const std::function<Status(const std::string& plan_path)>& build) {
  FOVEA_ASSIGN_OR_RETURN(std::string onnx_hash, model_hash(onnx_path));
  std::error_code ec;
  fs::create_directories(cache_dir, ec);
  if (ec || !fs::is_directory(cache_dir, ec))
    return io_error("cannot create the engine cache folder '{}'{}", cache_dir, ec ? ": " + ec.message() : std::string());

  EngineCacheResult result;
  result.plan_path = cached_plan_path(cache_dir, onnx_path, onnx_hash, build_options_json);
  result.reason = force_rebuild ? "forced" : reason_to_rebuild(result.plan_path, onnx_hash, build_options_json, current);
  if (result.reason.empty()) {
    result.reason = "the cached plan matches the model, the build options and this machine";
    log::info("engine cache: reusing {}", result.plan_path);
    return result;
  }

  log::info("engine cache: building {} ({})", result.plan_path, result.reason);
  Status built = build(result.plan_path);
  if (!built.is_ok()) return built.with_context(fmt::format("building '{}' for the engine cache", result.plan_path));
  // The build must have left a plan this cache would reuse; else the next run rebuilds forever.
  const std::string still_wrong = reason_to_rebuild(result.plan_path, onnx_hash, build_options_json, current);
  if (!still_wrong.empty())
    return internal_error("the engine cache's build step did not write a matching plan to '{}': {}", result.plan_path, still_wrong);
  result.rebuilt = true;
  return result;
}

}  // namespace fovea
