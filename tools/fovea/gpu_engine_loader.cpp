#ifdef FOVEA_HAVE_CUDA
#include "gpu_engine_loader.h"

#include "engine/cuda/engine_loader.h"

namespace fovea::cli {

// The engine layer does the work (engine/cuda/engine_loader.h, shared with pipeline::VisionModel).
bool is_plan_path(const std::string& path) { return cuda::is_plan_path(path); }

Status require_gpu() { return cuda::require_gpu(); }

Result<LoadedEngine> load_or_build_engine(const std::string& path, const BuildFlags& flags, bool progress) {
  cuda::EngineLoadOptions options;
  if (!cuda::is_plan_path(path)) {
    FOVEA_ASSIGN_OR_RETURN(options.config, build_config_from_flags(flags));
  }
  options.build.timing_cache_path = flags.timing_cache_file;
  options.build.layout = flags.layout;
  options.build.progress = progress;
  options.engine_cache_dir = flags.engine_cache_dir;
  options.force_engine_update = flags.force_engine_update;
  FOVEA_ASSIGN_OR_RETURN(cuda::LoadedEngine loaded, cuda::load_or_build_engine(path, options));
  LoadedEngine out;
  out.engine = std::move(loaded.engine);
  out.source = std::move(loaded.source);
  out.precision = loaded.precision;
  out.build = loaded.build;
  return out;
}

}  // namespace fovea::cli
#endif
