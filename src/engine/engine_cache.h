// The engine cache: ONNX model + build options -> a plan file built once and reused, with Isaac
// ROS `force_engine_update` semantics. A cached plan is reused only when its header says it was
// built from the same ONNX bytes, with the same build options, for this GPU and these libraries.
#pragma once

#include <functional>
#include <string>

#include "core/status.h"
#include "engine/plan_file.h"

namespace fovea {

struct EngineCacheResult {
  std::string plan_path;
  bool rebuilt = false;
  std::string reason;   // why it was rebuilt ("no cached plan", "forced", ...) or why reused
};

// <cache_dir>/<onnx stem>-<first 16 hex digits of the ONNX hash>-<8 hex digits of the build
// options' hash>.plan
std::string cached_plan_path(const std::string& cache_dir, const std::string& onnx_path, const std::string& onnx_hash,
                             const std::string& build_options_json);

// Reuses the cached plan when it exists, its header matches (ONNX hash, build options,
// check_plan_compatible) and !force_rebuild; otherwise calls build(plan_path), which must write a
// plan for this model and these options there (write_plan_file is atomic), and returns
// rebuilt = true with the reason. Creates cache_dir when missing.
Result<EngineCacheResult> resolve_cached_plan(const std::string& onnx_path, const std::string& cache_dir,
                                              const std::string& build_options_json, const PlanEnvironment& current,
                                              bool force_rebuild,
                                              const std::function<Status(const std::string& plan_path)>& build);

}  // namespace fovea
