// `fovea build model.onnx -o model.plan [--fp16] [--batch 1:8:32] [--timingCacheFile F] ...`:
// compiles a model into a plan for this GPU (passes, precision, tactic timing, memory plan).
#include <cstdio>
#include <fstream>
#include <memory>

#include <nlohmann/json.hpp>

#include "build_flags.h"
#include "commands.h"
#ifdef FOVEA_HAVE_CUDA
#include "engine/cuda/builder.h"
#include "gpu_engine_loader.h"
#endif

namespace fovea::cli {
namespace {

struct BuildCommandOptions {
  std::string model;
  std::string output;
  std::string json;
  bool dump_graph = false;
  bool no_progress = false;
  BuildFlags flags;
};

// Used by the CUDA build only.
[[maybe_unused]] Status write_json(const std::string& path, const nlohmann::json& j) {
  std::ofstream f(path);
  if (!f) return io_error("cannot write '{}'", path);
  f << j.dump(2) << "\n";
  return f ? Status::ok() : io_error("cannot write '{}'", path);
}

Status run_build(const BuildCommandOptions& o) {
#ifndef FOVEA_HAVE_CUDA
  return unsupported("this fovea was built without CUDA; `fovea build` needs the GPU backend");
#else
  FOVEA_RETURN_IF_ERROR(require_gpu());
  FOVEA_ASSIGN_OR_RETURN(BuildConfig config, build_config_from_flags(o.flags));
  cuda::BuildOptions options;
  options.timing_cache_path = o.flags.timing_cache_file;
  options.layout = o.flags.layout;
  options.progress = !o.no_progress;
  cuda::BuildReport rep;
  auto plan = cuda::build_plan(o.model, config, options, &rep);
  if (!plan.is_ok()) return plan.status().with_context(o.model);
  if (o.dump_graph) std::printf("%s\n", plan->graph.dump().c_str());
  FOVEA_RETURN_IF_ERROR(write_plan_file(o.output, plan.value()));

  std::printf("built %s -> %s\n", o.model.c_str(), o.output.c_str());
  std::printf("  precision   %s (%d layers in fp16)\n", precision_name(config.precision), rep.fp16_layers);
  std::printf("  passes      %s\n", rep.pass_report.c_str());
  std::printf("  layers      %d (%d with tactics: %d timed, %d from the timing cache)\n", rep.layers,
              rep.tactic_layers, rep.tactics_timed, rep.timing_cache_hits);
  std::printf("  layout      %s (inference at the opt shapes: %s)\n", rep.layout.c_str(), rep.layout_report.c_str());
  std::printf("  memory      %s\n", plan->memory_report.c_str());
  std::printf("  GPU         %s (sm_%d%d)\n", plan->header.environment.gpu_name.c_str(),
              plan->header.environment.compute_major, plan->header.environment.compute_minor);
  std::printf("  build time  %.2f s\n", rep.build_seconds);
  if (!o.json.empty()) {
    nlohmann::json j = {{"model", o.model},
                        {"plan", o.output},
                        {"precision", precision_name(config.precision)},
                        {"build_seconds", rep.build_seconds},
                        {"layers", rep.layers},
                        {"tactic_layers", rep.tactic_layers},
                        {"tactics_timed", rep.tactics_timed},
                        {"timing_cache_hits", rep.timing_cache_hits},
                        {"fp16_layers", rep.fp16_layers},
                        {"peak_activation_bytes", rep.peak_activation_bytes},
                        {"naive_activation_bytes", rep.naive_activation_bytes},
                        {"max_activation_bytes", rep.max_activation_bytes},
                        {"weights_bytes", rep.weights_bytes},
                        {"passes", rep.pass_report},
                        {"layout", rep.layout},
                        {"layout_report", rep.layout_report},
                        {"opt_latency_ms", rep.opt_latency_ms},
                        {"gpu", plan->header.environment.gpu_name}};
    FOVEA_RETURN_IF_ERROR(write_json(o.json, j));
  }
  return Status::ok();
#endif
}

}  // namespace

void add_build_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<BuildCommandOptions>();
  CLI::App* cmd = app.add_subcommand("build", "Compile an ONNX model into a GPU plan for this GPU");
  cmd->add_option("model", opts->model, "ONNX model file")->required();
  cmd->add_option("-o,--saveEngine", opts->output, "Plan file to write")->required();
  add_build_flags(cmd, opts->flags);
  cmd->add_option("--json", opts->json, "Write the build report as JSON");
  cmd->add_flag("--dumpGraph", opts->dump_graph, "Print the graph after the passes and precision assignment");
  cmd->add_flag("--noProgress", opts->no_progress, "No progress bar");
  cmd->callback([opts, &exit_code] {
    Status s = run_build(*opts);
    exit_code = s.is_ok() ? 0 : report_error(s.message());
  });
}

}  // namespace fovea::cli
