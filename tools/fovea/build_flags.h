// The engine-build flags shared by `fovea build`, `bench`, `validate` and `infer --device gpu`
// (trtexec's names): --fp16, --batch MIN:OPT:MAX, --minShapes/--optShapes/--maxShapes,
// --workspace MiB, --timingCacheFile, --layerPrecisions.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "core/status.h"
#include "engine/build_config.h"

namespace fovea::cli {

struct BuildFlags {
  bool fp16 = false;
  std::string batch;                           // "1:8:32" or "8"
  std::vector<std::string> min_shapes, opt_shapes, max_shapes;
  double workspace_mib = 1024;
  std::string timing_cache_file;
  std::vector<std::string> layer_precisions;   // "node_name:fp32"
  bool no_cuda_graph = false;
  std::string engine_cache_dir;                // reuse or rebuild <dir>/<model>-<hash>-<options>.plan
  bool force_engine_update = false;            // Isaac ROS force_engine_update: always rebuild
  std::string layout = "auto";                 // auto | nchw | nhwc (FP16 conv regions)
};

// with_batch_range: whether --batch is the MIN:OPT:MAX build range (bench uses --batch itself).
void add_build_flags(CLI::App* cmd, BuildFlags& flags, bool with_batch_range = true);
Result<BuildConfig> build_config_from_flags(const BuildFlags& flags);

// Nearest-rank percentile of sorted samples.
double percentile(const std::vector<double>& sorted, double p);

}  // namespace fovea::cli
