#include "engine/cuda/engine_loader.h"

#include <fmt/format.h>

#include "core/gpu_devices.h"
#include "engine/cuda/gpu_environment.h"
#include "engine/engine_cache.h"

namespace fovea::cuda {

bool is_plan_path(const std::string& path) {
  return path.size() >= 5 && path.compare(path.size() - 5, 5, ".plan") == 0;
}

Status require_gpu() {
  const GpuRuntimeInfo info = query_gpu_runtime();
  if (!info.devices.empty()) return Status::ok();
  return unsupported("no usable NVIDIA GPU: {} (`fovea devices` shows what this build sees; use the CPU device)",
                     info.error.empty() ? "no device found" : info.error);
}

Result<LoadedEngine> load_or_build_engine(const std::string& path, const EngineLoadOptions& options) {
  FOVEA_RETURN_IF_ERROR(require_gpu());
  LoadedEngine out;
  if (is_plan_path(path)) {
    FOVEA_ASSIGN_OR_RETURN(Plan plan, read_plan_file(path));
    FOVEA_ASSIGN_OR_RETURN(BuildConfig config, BuildConfig::from_json(plan.header.build_options_json));
    out.precision = config.precision;
    FOVEA_ASSIGN_OR_RETURN(out.engine, engine_from_plan(std::move(plan), path));
    out.source = "plan " + path;
    return out;
  }
  const BuildConfig& config = options.config;
  out.precision = config.precision;
  if (!options.engine_cache_dir.empty()) {
    FOVEA_ASSIGN_OR_RETURN(PlanEnvironment env, current_environment());
    auto cached = resolve_cached_plan(path, options.engine_cache_dir, config.to_json(), env,
                                      options.force_engine_update, [&](const std::string& plan_path) -> Status {
                                        FOVEA_ASSIGN_OR_RETURN(Plan p, build_plan(path, config, options.build, &out.build));
                                        return write_plan_file(plan_path, p);
                                      });
    if (!cached.is_ok()) return cached.status();
    FOVEA_ASSIGN_OR_RETURN(Plan plan, read_plan_file(cached->plan_path));
    FOVEA_ASSIGN_OR_RETURN(out.engine, engine_from_plan(std::move(plan), cached->plan_path));
    out.source = fmt::format("{} plan {} ({})", cached->rebuilt ? "built" : "cached", cached->plan_path, cached->reason);
    return out;
  }
  FOVEA_ASSIGN_OR_RETURN(Plan plan, build_plan(path, config, options.build, &out.build));
  FOVEA_ASSIGN_OR_RETURN(out.engine, engine_from_plan(std::move(plan), path));
  out.source = fmt::format("built from {} ({}) in {:.1f} s", path, precision_name(config.precision),
                           out.build.build_seconds);
  return out;
}

}  // namespace fovea::cuda
