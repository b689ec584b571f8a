// A runnable GPU engine from a model path: a .plan file is loaded (and checked against this GPU);
// anything else is taken as ONNX and built, in memory or through the engine cache
// (<cache dir>/<model>-<hash>-<options>.plan, Isaac ROS force_engine_update semantics).
// Used by the CLI and by pipeline::VisionModel.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "engine/build_config.h"
#include "engine/cuda/builder.h"
#include "engine/cuda/engine.h"

namespace fovea::cuda {

struct LoadedEngine {
  std::shared_ptr<Engine> engine;
  std::string source;  // "plan model.plan", "built from model.onnx (fp16) in 6.9 s", "cached plan ..."
  Precision precision = Precision::kFp32;
  BuildReport build;   // when built here
};

bool is_plan_path(const std::string& path);
// ok when a CUDA GPU is usable; otherwise an error saying why (no driver, no device, ...).
Status require_gpu();

struct EngineLoadOptions {
  BuildConfig config;              // ONNX only (a plan carries its own)
  BuildOptions build;              // ONNX only
  std::string engine_cache_dir;    // ONNX only; empty: build in memory
  bool force_engine_update = false;
};

Result<LoadedEngine> load_or_build_engine(const std::string& path, const EngineLoadOptions& options);

}  // namespace fovea::cuda
