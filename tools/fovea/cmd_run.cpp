// `fovea run pipeline.yaml [--duration S]`: the streaming pipeline from a YAML config. Everything
// is checked before anything starts; then sources, models and sinks run until the finite sources
// end, --duration passes, or Ctrl-C / SIGTERM (the first drains the queues, a second drops what is
// still queued). The JSON summary is written at exit and a short one printed. Exit code 0 when the
// pipeline ran (drops are reported, not failures), 1 when the config or setup failed.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>

#include "commands.h"
#include "pipeline_session.h"
#include "core/logging.h"
#include "core/progress_bar.h"
#include "io/pipeline_assembly.h"
#include "pipeline/metrics_http_server.h"
#include "pipeline/metrics_report.h"
#include "pipeline/pipeline_config.h"

namespace fovea::cli {
namespace {

struct RunFlags {
  std::string config_path;
  double duration_s = -1;   // -1: the config's
  int metrics_port = -2;    // -2: the config's
  std::string summary_path;  // "": the config's
  bool no_progress = false;
};

// Frames of finite sources that are done (delivered or dropped by every model that reads them).
int64_t frames_done(const pipeline::MetricsSnapshot& s) {
  std::map<std::string, uint64_t> done;
  for (const pipeline::LaneMetrics& l : s.lanes) {
    const uint64_t d = l.counts.processed + l.counts.dropped_total();
    auto it = done.find(l.source);
    if (it == done.end()) done[l.source] = d;
    else it->second = std::min(it->second, d);
  }
  int64_t total = 0;
  for (const pipeline::SourceMetrics& src : s.sources)
    total += static_cast<int64_t>(src.counts.decode_errors + (done.count(src.name) ? done[src.name] : 0));
  return total;
}

int run_pipeline(const RunFlags& flags) {
  Result<pipeline::PipelineConfig> loaded = pipeline::load_pipeline_config(flags.config_path);
  if (!loaded.is_ok()) return report_error(loaded.status().message());
  pipeline::PipelineConfig config = std::move(loaded).value();
  if (flags.duration_s >= 0) config.duration_s = flags.duration_s;
  if (flags.metrics_port >= -1) config.metrics_port = flags.metrics_port;
  if (!flags.summary_path.empty()) config.summary_path = flags.summary_path;
  if (const Status st = pipeline::check_pipeline_config(config); !st.is_ok())
    return report_error(fmt::format("{}: {}", flags.config_path, st.message()));

  std::fprintf(stderr, "loading %zu model%s ...\n", config.models.size(), config.models.size() == 1 ? "" : "s");
  pipeline::PipelineOptions options;
  Result<io::AssembledPipeline> assembled = io::assemble_pipeline(config, options);
  if (!assembled.is_ok()) return report_error(fmt::format("{}: {}", flags.config_path, assembled.status().message()));
  io::AssembledPipeline& run = *assembled;
  pipeline::Pipeline& p = *run.pipeline;
  for (const std::string& d : run.model_descriptions) std::fprintf(stderr, "model %s\n", d.c_str());
  std::fprintf(stderr, "%s\n", p.memory_report().c_str());

  std::unique_ptr<pipeline::MetricsHttpServer> server;
  if (config.metrics_port >= 0) {
    auto started = pipeline::MetricsHttpServer::start(config.metrics_host, config.metrics_port,
                                                      [&p] { return pipeline::render_prometheus(p.snapshot()); });
    if (!started.is_ok()) return report_error(started.status().message());
    server = std::move(started).value();
    std::fprintf(stderr, "metrics at http://%s:%d/metrics\n", config.metrics_host.c_str(), server->port());
  }

  const bool finite = !run.has_endless_source && run.finite_frames > 0;
  std::unique_ptr<ProgressBar> progress;
  if (finite && !flags.no_progress)
    progress = std::make_unique<ProgressBar>("frames", static_cast<int>(std::min<int64_t>(run.finite_frames, INT32_MAX)));

  const Status ran = run_pipeline_until_stopped(p, config.duration_s, [&] {
    if (progress) progress->update(static_cast<int>(frames_done(p.snapshot())));
  });
  if (!ran.is_ok()) return report_error(ran.message());
  const pipeline::MetricsSnapshot snapshot = p.snapshot();
  if (progress) {
    progress->update(static_cast<int>(frames_done(snapshot)));
    progress->finish();
  }
  if (server) server->stop();

  print_pipeline_summary(snapshot, "pipeline");
  if (!config.summary_path.empty()) {
    std::ofstream out(config.summary_path, std::ios::binary | std::ios::trunc);
    out << pipeline::render_summary_json(snapshot);
    if (!out) return report_error(fmt::format("summary_path: {}: cannot write", config.summary_path));
    std::printf("summary written to %s\n", config.summary_path.c_str());
  }
  if (const Status st = p.accounting().check_balanced(); !st.is_ok())
    return report_error("frame accounting does not balance (a bug): " + st.message());
  return 0;
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<RunFlags>();
  CLI::App* cmd = app.add_subcommand("run", "Run a streaming pipeline from a YAML config (docs/pipeline.md)");
  cmd->add_option("config", flags->config_path, "Pipeline YAML file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--duration", flags->duration_s, "Stop (and drain) after this many seconds; 0: until sources end")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--metrics-port", flags->metrics_port, "Serve /metrics on this port (0: any free port, -1: off)")
      ->check(CLI::Range(-1, 65535));
  cmd->add_option("--summary", flags->summary_path, "Write the JSON summary here at exit");
  cmd->add_flag("--no-progress", flags->no_progress, "No progress bar for finite sources");
  cmd->callback([flags, &exit_code] { exit_code = run_pipeline(*flags); });
}

}  // namespace fovea::cli
