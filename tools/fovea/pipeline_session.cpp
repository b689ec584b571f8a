// Running an assembled pipeline under Ctrl-C / SIGTERM / a duration, and its exit summary.
#include "pipeline_session.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <string>

#include <fmt/format.h>

namespace fovea::cli {
namespace {

std::atomic<int> g_stop_signals{0};
extern "C" void on_stop_signal(int) { g_stop_signals.fetch_add(1); }

}  // namespace

Status run_pipeline_until_stopped(pipeline::Pipeline& p, double duration_s, const std::function<void()>& on_tick,
                                  const std::function<void()>& on_started) {
  g_stop_signals = 0;
  auto previous_int = std::signal(SIGINT, on_stop_signal);
  auto previous_term = std::signal(SIGTERM, on_stop_signal);
  if (const Status st = p.start(); !st.is_ok()) {
    std::signal(SIGINT, previous_int);
    std::signal(SIGTERM, previous_term);
    return st;
  }
  if (on_started) on_started();
  const auto start = std::chrono::steady_clock::now();
  int handled_signals = 0;
  bool stopping = false;
  while (!p.wait_for(std::chrono::milliseconds(100))) {
    const int signals = g_stop_signals.load();
    if (signals > handled_signals) {
      handled_signals = signals;
      if (signals == 1) {
        std::fprintf(stderr, "\nstopping: draining the queues (Ctrl-C again to drop what is queued)\n");
        p.request_stop();
      } else {
        std::fprintf(stderr, "\naborting: queued frames are dropped (shutdown)\n");
        p.abort();
      }
      stopping = true;
    }
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!stopping && duration_s > 0 && elapsed >= duration_s) {
      p.request_stop();
      stopping = true;
    }
    if (on_tick) on_tick();
  }
  p.wait();
  std::signal(SIGINT, previous_int);
  std::signal(SIGTERM, previous_term);
  return Status::ok();
}

void print_pipeline_summary(const pipeline::MetricsSnapshot& s, const char* title) {
  std::printf("%s ran %.1f s\n", title, s.uptime_s);
  for (const pipeline::SourceMetrics& src : s.sources)
    std::printf("  source %s: %llu frames, %llu dropped as undecodable\n", src.name.c_str(),
                static_cast<unsigned long long>(src.counts.frames), static_cast<unsigned long long>(src.counts.decode_errors));
  for (const pipeline::ModelMetrics& m : s.models) {
    const pipeline::LatencySummary& e2e = m.stages[static_cast<size_t>(pipeline::Stage::kEndToEnd)];
    const double fps = s.uptime_s > 0 ? static_cast<double>(e2e.count) / s.uptime_s : 0.0;
    std::printf("  model %s (%s)\n    %llu results, %.1f per s; end to end p50 %.2f p90 %.2f p99 %.2f max %.2f ms; "
                "%llu batches, mean size %.2f",
                m.name.c_str(), m.description.c_str(), static_cast<unsigned long long>(e2e.count), fps, e2e.p50_ms,
                e2e.p90_ms, e2e.p99_ms, e2e.max_ms, static_cast<unsigned long long>(m.exec_count),
                m.exec_count ? static_cast<double>(m.inference_count) / static_cast<double>(m.exec_count) : 0.0);
    if (s.deadline_ms > 0)
      std::printf("; %llu over the %.1f ms deadline", static_cast<unsigned long long>(m.deadline_misses), s.deadline_ms);
    std::printf("\n");
    for (const pipeline::LaneMetrics& l : s.lanes) {
      if (l.model != m.name) continue;
      std::string drops;
      for (size_t r = 0; r < pipeline::kDropReasonCount; ++r)
        if (l.counts.dropped[r])
          drops += fmt::format(", {} {}", pipeline::drop_reason_name(static_cast<pipeline::DropReason>(r)), l.counts.dropped[r]);
      std::printf("    <- %s: %llu entered, %llu processed%s\n", l.source.c_str(),
                  static_cast<unsigned long long>(l.counts.entered), static_cast<unsigned long long>(l.counts.processed),
                  drops.empty() ? ", none dropped" : drops.c_str());
    }
  }
  for (const pipeline::SinkMetrics& k : s.sinks)
    if (k.errors) std::printf("  sink %s: %llu errors\n", k.name.c_str(), static_cast<unsigned long long>(k.errors));
  std::printf("  %s\n", s.nvml_status.c_str());
}

}  // namespace fovea::cli
