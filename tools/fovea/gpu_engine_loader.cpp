#ifdef FOVEA_HAVE_CUDA
#include "gpu_engine_loader.h"

namespace fovea::cli {

bool is_plan_path(const std::string& path) {
  return path.size() >= 5 && path.compare(path.size() - 5, 5, ".plan") == 0;
}

Result<LoadedEngine> load_or_build_engine(const std::string& path, const BuildFlags& flags, bool progress) {
  LoadedEngine out;
  if (is_plan_path(path)) {
    FOVEA_ASSIGN_OR_RETURN(Plan plan, read_plan_file(path));
    FOVEA_ASSIGN_OR_RETURN(BuildConfig config, BuildConfig::from_json(plan.header.build_options_json));
    out.precision = config.precision;
    FOVEA_ASSIGN_OR_RETURN(out.engine, cuda::engine_from_plan(std::move(plan), path));
    out.source = "plan " + path;
    return out;
  }
  FOVEA_ASSIGN_OR_RETURN(BuildConfig config, build_config_from_flags(flags));
  out.precision = config.precision;
  cuda::BuildOptions options;
  options.timing_cache_path = flags.timing_cache_file;
  options.progress = progress;
  FOVEA_ASSIGN_OR_RETURN(Plan plan, cuda::build_plan(path, config, options, &out.build));
  FOVEA_ASSIGN_OR_RETURN(out.engine, cuda::engine_from_plan(std::move(plan), path));
  out.source = fmt::format("built from {} ({}) in {:.1f} s", path, precision_name(config.precision),
                           out.build.build_seconds);
  return out;
}

}  // namespace fovea::cli
#endif
