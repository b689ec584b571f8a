// Getting a runnable GPU engine for a command: a .plan file is loaded (and checked against this
// GPU), anything else is taken as ONNX and built in memory with the given flags.
#pragma once

#ifdef FOVEA_HAVE_CUDA
#include <memory>
#include <string>

#include "build_flags.h"
#include "core/status.h"
#include "engine/cuda/builder.h"
#include "engine/cuda/engine.h"

namespace fovea::cli {

struct LoadedEngine {
  std::shared_ptr<cuda::Engine> engine;
  std::string source;          // "plan model.plan" or "built from model.onnx in 12.3 s"
  Precision precision = Precision::kFp32;
  cuda::BuildReport build;     // when built here
};

bool is_plan_path(const std::string& path);
// ok when a CUDA GPU is usable; otherwise an error saying why (no driver, no device, ...).
Status require_gpu();
Result<LoadedEngine> load_or_build_engine(const std::string& path, const BuildFlags& flags, bool progress);

}  // namespace fovea::cli
#endif
