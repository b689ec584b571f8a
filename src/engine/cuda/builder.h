// `fovea build`: ONNX model -> passes -> precision -> tactic timing on this GPU (with a timing
// cache) -> memory plan -> Plan. And the way back: Plan -> runnable Engine.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "engine/build_config.h"
#include "engine/cuda/engine.h"
#include "engine/plan_file.h"

namespace fovea::cuda {

struct BuildOptions {
  std::string timing_cache_path;   // empty: no persistent cache
  bool progress = true;            // progress bar on stderr
  bool optimize = true;            // run the graph passes
  int timing_iterations = 10;
  std::string layout = "auto";     // FP16: "auto" times NCHW and NHWC and keeps the faster; or force one
};

struct BuildReport {
  double build_seconds = 0;
  int layers = 0;                  // nodes in the optimized graph
  int tactic_layers = 0;           // layers with a tactic choice
  int tactics_timed = 0;           // layers whose candidates were timed in this build
  int timing_cache_hits = 0;       // layers whose choice came from the timing cache
  int fp16_layers = 0;
  size_t peak_activation_bytes = 0;   // planned arena at the opt shapes
  size_t naive_activation_bytes = 0;  // every tensor its own buffer, opt shapes
  size_t max_activation_bytes = 0;    // planned arena at the max shapes (what a context allocates)
  size_t weights_bytes = 0;
  std::string pass_report;
  std::string layout;              // "nchw" or "nhwc": the faster variant
  std::string layout_report;       // every variant's latency at the opt shapes
  double opt_latency_ms = 0;       // the chosen variant's inference latency at the opt shapes
};

Result<Plan> build_plan(const std::string& onnx_path, const BuildConfig& config, const BuildOptions& options,
                        BuildReport* report);

// Checks the plan against this process's GPU and libraries, then creates the engine.
Result<std::shared_ptr<Engine>> engine_from_plan(Plan plan, const std::string& plan_path);

}  // namespace fovea::cuda
