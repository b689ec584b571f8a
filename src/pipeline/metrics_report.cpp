#include "pipeline/metrics_report.h"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace fovea::pipeline {
namespace {

using Labels = std::initializer_list<std::pair<const char*, std::string>>;

std::string escape_label(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

class PromWriter {
 public:
  void family(const char* name, const char* type, const std::string& help) {
    out_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  }
  void sample(const std::string& name, Labels labels, double value) { sample_raw(name, render(labels, {}), value); }
  void sample_le(const std::string& name, Labels labels, const std::string& le, double value) {
    sample_raw(name, render(labels, le), value);
  }
  std::string take() { return std::move(out_); }

 private:
  static std::string render(Labels labels, const std::string& le) {
    std::string s;
    for (const auto& [k, v] : labels) s += fmt::format("{}{}=\"{}\"", s.empty() ? "" : ",", k, escape_label(v));
    if (!le.empty()) s += fmt::format("{}le=\"{}\"", s.empty() ? "" : ",", le);
    return s.empty() ? s : "{" + s + "}";
  }
  void sample_raw(const std::string& name, const std::string& labels, double value) {
    out_ += name + labels + " " + number(value) + "\n";
  }
  std::string out_;
};

// A LatencySummary as a Prometheus histogram in seconds (exact cumulative bucket counts).
void latency_histogram(PromWriter& w, const char* name, Labels labels, const LatencySummary& s) {
  const std::string n(name);
  for (size_t i = 0; i < kLatencyBucketBoundsMs.size(); ++i)
    w.sample_le(n + "_bucket", labels, number(kLatencyBucketBoundsMs[i] / 1000.0), static_cast<double>(s.cumulative[i]));
  w.sample_le(n + "_bucket", labels, "+Inf", static_cast<double>(s.count));
  w.sample(n + "_sum", labels, s.sum_ms / 1000.0);
  w.sample(n + "_count", labels, static_cast<double>(s.count));
}

uint64_t lane_drops(const MetricsSnapshot& s) {
  uint64_t n = 0;
  for (const LaneMetrics& l : s.lanes) n += l.counts.dropped_total();
  for (const SourceMetrics& src : s.sources) n += src.counts.decode_errors;
  return n;
}

double mean_batch(const ModelMetrics& m) {
  uint64_t batches = 0, frames = 0;
  for (size_t b = 1; b < m.batch_size_counts.size(); ++b) {
    batches += m.batch_size_counts[b];
    frames += b * m.batch_size_counts[b];
  }
  return batches ? static_cast<double>(frames) / static_cast<double>(batches) : 0.0;
}

nlohmann::json latency_json(const LatencySummary& s) {
  return {{"count", s.count}, {"mean_ms", s.mean_ms()}, {"p50_ms", s.p50_ms}, {"p90_ms", s.p90_ms},
          {"p99_ms", s.p99_ms},  {"max_ms", s.max_ms},   {"min_ms", s.min_ms}};
}

}  // namespace

std::string render_prometheus(const MetricsSnapshot& s) {
  PromWriter w;
  w.family("fovea_uptime_seconds", "gauge", "Seconds since the pipeline started.");
  w.sample("fovea_uptime_seconds", {}, s.uptime_s);
  w.family("fovea_host_frame_memory_bound_bytes", "gauge", "Most host frame memory the pipeline queues can hold.");
  w.sample("fovea_host_frame_memory_bound_bytes", {}, static_cast<double>(s.host_frame_bytes_bound));

  w.family("fovea_source_frames_total", "counter", "Frames each source produced.");
  for (const SourceMetrics& src : s.sources) w.sample("fovea_source_frames_total", {{"source", src.name}}, static_cast<double>(src.counts.frames));
  w.family("fovea_source_fps", "gauge", "Frames per second each source produced over the last interval.");
  for (const SourceMetrics& src : s.sources) w.sample("fovea_source_fps", {{"source", src.name}}, src.fps_in);
  w.family("fovea_fps_in", "gauge", "Frames per second into the pipeline (all sources), last interval.");
  w.sample("fovea_fps_in", {}, s.fps_in);
  w.family("fovea_fps_out", "gauge", "Results per second delivered by each model, last interval.");
  for (const ModelMetrics& m : s.models) w.sample("fovea_fps_out", {{"model", m.name}}, m.fps_out);

  w.family("fovea_frames_processed_total", "counter", "Frames whose results were delivered, per model and source.");
  for (const LaneMetrics& l : s.lanes)
    w.sample("fovea_frames_processed_total", {{"model", l.model}, {"source", l.source}}, static_cast<double>(l.counts.processed));
  w.family("fovea_frames_dropped_total", "counter",
           "Frames dropped, by reason (decode_error: the source could not produce it, before any model).");
  for (const SourceMetrics& src : s.sources)
    w.sample("fovea_frames_dropped_total", {{"model", ""}, {"source", src.name}, {"reason", "decode_error"}},
             static_cast<double>(src.counts.decode_errors));
  for (const LaneMetrics& l : s.lanes)
    for (size_t r = 0; r < kDropReasonCount; ++r) {
      if (static_cast<DropReason>(r) == DropReason::kDecodeError) continue;
      w.sample("fovea_frames_dropped_total",
               {{"model", l.model}, {"source", l.source}, {"reason", std::string(drop_reason_name(static_cast<DropReason>(r)))}},
               static_cast<double>(l.counts.dropped[r]));
    }
  w.family("fovea_frames_in_flight", "gauge", "Frames entered but neither delivered nor dropped yet.");
  for (const LaneMetrics& l : s.lanes)
    w.sample("fovea_frames_in_flight", {{"model", l.model}, {"source", l.source}}, static_cast<double>(l.counts.in_flight()));
  w.family("fovea_queue_depth", "gauge", "Frames waiting in each model input queue.");
  for (const LaneMetrics& l : s.lanes)
    w.sample("fovea_queue_depth", {{"model", l.model}, {"source", l.source}}, static_cast<double>(l.queue_depth));
  w.family("fovea_queue_capacity", "gauge", "Capacity of each model input queue.");
  for (const LaneMetrics& l : s.lanes)
    w.sample("fovea_queue_capacity", {{"model", l.model}, {"source", l.source}}, static_cast<double>(l.queue_capacity));

  w.family("fovea_inference_request_success_total", "counter", "Frames inferred successfully (nv_inference_request_success).");
  for (const ModelMetrics& m : s.models) w.sample("fovea_inference_request_success_total", {{"model", m.name}}, static_cast<double>(m.inference_count));
  w.family("fovea_inference_request_failure_total", "counter", "Frames the model failed (nv_inference_request_failure).");
  for (const ModelMetrics& m : s.models) w.sample("fovea_inference_request_failure_total", {{"model", m.name}}, static_cast<double>(m.request_failures));
  w.family("fovea_inference_count_total", "counter", "Inferences performed; a batch of n counts n (nv_inference_count).");
  for (const ModelMetrics& m : s.models) w.sample("fovea_inference_count_total", {{"model", m.name}}, static_cast<double>(m.inference_count));
  w.family("fovea_inference_exec_count_total", "counter", "Batched executions (nv_inference_exec_count).");
  for (const ModelMetrics& m : s.models) w.sample("fovea_inference_exec_count_total", {{"model", m.name}}, static_cast<double>(m.exec_count));

  w.family("fovea_batch_size", "histogram", "Batch sizes the dynamic batcher dispatched.");
  for (const ModelMetrics& m : s.models) {
    uint64_t running = 0, frames = 0;
    for (size_t b = 1; b < m.batch_size_counts.size(); ++b) {
      running += m.batch_size_counts[b];
      frames += b * m.batch_size_counts[b];
      w.sample_le("fovea_batch_size_bucket", {{"model", m.name}}, std::to_string(b), static_cast<double>(running));
    }
    w.sample_le("fovea_batch_size_bucket", {{"model", m.name}}, "+Inf", static_cast<double>(running));
    w.sample("fovea_batch_size_sum", {{"model", m.name}}, static_cast<double>(frames));
    w.sample("fovea_batch_size_count", {{"model", m.name}}, static_cast<double>(running));
  }

  w.family("fovea_latency_seconds", "histogram", "Per-frame latency of each model stage and end to end.");
  for (const ModelMetrics& m : s.models)
    for (size_t st = 0; st < kStageCount; ++st)
      latency_histogram(w, "fovea_latency_seconds", {{"model", m.name}, {"stage", std::string(stage_name(static_cast<Stage>(st)))}},
                        m.stages[st]);
  w.family("fovea_latency_quantile_seconds", "gauge", "Latency quantiles (0.5, 0.9, 0.99, 1 = max) since start.");
  for (const ModelMetrics& m : s.models)
    for (size_t st = 0; st < kStageCount; ++st) {
      const std::string stage(stage_name(static_cast<Stage>(st)));
      const LatencySummary& l = m.stages[st];
      for (const auto& [q, v] : {std::pair{"0.5", l.p50_ms}, {"0.9", l.p90_ms}, {"0.99", l.p99_ms}, {"1", l.max_ms}})
        w.sample("fovea_latency_quantile_seconds", {{"model", m.name}, {"stage", stage}, {"quantile", q}}, v / 1000.0);
    }

  // Chained models (detector -> classifier on crops): their crops; fovea_batch_size counts crops for them.
  const bool any_chained = std::any_of(s.models.begin(), s.models.end(), [](const ModelMetrics& m) { return !m.crops_from.empty(); });
  if (any_chained) {
    w.family("fovea_chain_crops_total", "counter", "Crops of upstream detections a chained model took in.");
    for (const ModelMetrics& m : s.models)
      if (!m.crops_from.empty())
        w.sample("fovea_chain_crops_total", {{"model", m.name}, {"upstream", m.crops_from}}, static_cast<double>(m.crops.in));
    w.family("fovea_chain_crops_classified_total", "counter", "Crops a chained model classified and joined back to their frame.");
    for (const ModelMetrics& m : s.models)
      if (!m.crops_from.empty())
        w.sample("fovea_chain_crops_classified_total", {{"model", m.name}}, static_cast<double>(m.crops.classified));
    w.family("fovea_chain_crops_dropped_total", "counter",
             "Crops not classified, by reason (model_error: the detection stays unclassified; shutdown, deadline: the frame was dropped).");
    for (const ModelMetrics& m : s.models)
      if (!m.crops_from.empty())
        for (DropReason r : {DropReason::kModelError, DropReason::kDeadline, DropReason::kShutdown})
          w.sample("fovea_chain_crops_dropped_total", {{"model", m.name}, {"reason", std::string(drop_reason_name(r))}},
                   static_cast<double>(m.crops.dropped[static_cast<size_t>(r)]));
  }

  w.family("fovea_deadline_seconds", "gauge", "The end-to-end deadline (0: none).");
  w.sample("fovea_deadline_seconds", {}, s.deadline_ms / 1000.0);
  w.family("fovea_deadline_misses_total", "counter", "Results delivered later than the deadline.");
  for (const ModelMetrics& m : s.models) w.sample("fovea_deadline_misses_total", {{"model", m.name}}, static_cast<double>(m.deadline_misses));

  w.family("fovea_sink_writes_total", "counter", "Results each sink wrote.");
  for (const SinkMetrics& k : s.sinks) w.sample("fovea_sink_writes_total", {{"sink", k.name}}, static_cast<double>(k.written));
  w.family("fovea_sink_errors_total", "counter", "Results a sink failed to write.");
  for (const SinkMetrics& k : s.sinks) w.sample("fovea_sink_errors_total", {{"sink", k.name}}, static_cast<double>(k.errors));
  w.family("fovea_sink_write_seconds", "histogram", "Time each sink took per result.");
  for (const SinkMetrics& k : s.sinks) latency_histogram(w, "fovea_sink_write_seconds", {{"sink", k.name}}, k.write);

  w.family("fovea_nvml_available", "gauge", s.nvml_available ? s.nvml_status : s.nvml_status + " (no GPU metrics)");
  w.sample("fovea_nvml_available", {}, s.nvml_available ? 1 : 0);
  if (!s.gpus.empty()) {
    auto gpu_family = [&](const char* name, const char* help, auto value) {
      w.family(name, "gauge", help);
      for (const GpuSample& g : s.gpus) w.sample(name, {{"gpu", std::to_string(g.index)}, {"name", g.name}}, value(g));
    };
    gpu_family("fovea_gpu_utilization_percent", "GPU busy percentage (NVML).", [](const GpuSample& g) { return g.utilization_percent; });
    gpu_family("fovea_gpu_memory_used_bytes", "GPU memory in use (NVML).", [](const GpuSample& g) { return static_cast<double>(g.memory_used_bytes); });
    gpu_family("fovea_gpu_memory_total_bytes", "GPU memory size (NVML).", [](const GpuSample& g) { return static_cast<double>(g.memory_total_bytes); });
    gpu_family("fovea_gpu_temperature_celsius", "GPU temperature (NVML).", [](const GpuSample& g) { return g.temperature_c; });
    gpu_family("fovea_gpu_power_watts", "GPU power draw (NVML).", [](const GpuSample& g) { return g.power_w; });
  }
  return w.take();
}

std::string format_console_line(const MetricsSnapshot& s) {
  std::string line = fmt::format("[{:7.1f}s] in {:.1f} fps | out {:.1f} fps", s.uptime_s, s.fps_in, s.fps_out);
  for (const ModelMetrics& m : s.models) {
    const LatencySummary& e2e = m.stages[static_cast<size_t>(Stage::kEndToEnd)];
    line += fmt::format(" | {}: e2e p50 {:.1f} p99 {:.1f} max {:.1f} ms, batch {:.1f}", m.name, e2e.p50_ms, e2e.p99_ms,
                        e2e.max_ms, mean_batch(m));
    if (s.deadline_ms > 0) line += fmt::format(", late {}", m.deadline_misses);
    if (!m.crops_from.empty()) line += fmt::format(", crops {}", m.crops.in);
  }
  size_t depth = 0, capacity = 0;
  for (const LaneMetrics& l : s.lanes) {
    depth += l.queue_depth;
    capacity += l.queue_capacity;
  }
  line += fmt::format(" | drops {} | queued {}/{}", lane_drops(s), depth, capacity);
  if (!s.nvml_available) {
    line += " | nvml unavailable";
  } else {
    for (const GpuSample& g : s.gpus)
      line += fmt::format(" | gpu{} {:.0f}% {:.1f}/{:.1f} GiB {:.0f}C {:.0f}W", g.index, g.utilization_percent,
                          static_cast<double>(g.memory_used_bytes) / (1ull << 30),
                          static_cast<double>(g.memory_total_bytes) / (1ull << 30), g.temperature_c, g.power_w);
  }
  return line;
}

std::string render_summary_json(const MetricsSnapshot& s) {
  using nlohmann::json;
  json j;
  j["uptime_s"] = s.uptime_s;
  j["deadline_ms"] = s.deadline_ms;
  j["host_frame_memory_bound_bytes"] = s.host_frame_bytes_bound;
  j["sources"] = json::array();
  for (const SourceMetrics& src : s.sources)
    j["sources"].push_back({{"name", src.name},
                            {"frames", src.counts.frames},
                            {"decode_errors", src.counts.decode_errors},
                            {"frame_count", src.frame_count},
                            {"finished", src.finished}});
  j["models"] = json::array();
  for (const ModelMetrics& m : s.models) {
    json stages = json::object();
    for (size_t st = 0; st < kStageCount; ++st) stages[std::string(stage_name(static_cast<Stage>(st)))] = latency_json(m.stages[st]);
    json batches = json::object();
    for (size_t b = 1; b < m.batch_size_counts.size(); ++b)
      if (m.batch_size_counts[b]) batches[std::to_string(b)] = m.batch_size_counts[b];
    j["models"].push_back({{"name", m.name},
                           {"description", m.description},
                           {"max_batch_size", m.max_batch_size},
                           {"stages", stages},
                           {"batch_sizes", batches},
                           {"mean_batch_size", mean_batch(m)},
                           {"exec_count", m.exec_count},
                           {"inference_count", m.inference_count},
                           {"request_failures", m.request_failures},
                           {"deadline_misses", m.deadline_misses}});
    if (!m.crops_from.empty()) {  // a chained model: its crops
      json dropped = json::object();
      for (DropReason r : {DropReason::kModelError, DropReason::kDeadline, DropReason::kShutdown})
        dropped[std::string(drop_reason_name(r))] = m.crops.dropped[static_cast<size_t>(r)];
      j["models"].back()["crops"] = {
          {"from", m.crops_from}, {"in", m.crops.in}, {"classified", m.crops.classified}, {"dropped", dropped}};
    }
  }
  j["lanes"] = json::array();
  for (const LaneMetrics& l : s.lanes) {
    json dropped = json::object();
    for (size_t r = 0; r < kDropReasonCount; ++r)
      if (static_cast<DropReason>(r) != DropReason::kDecodeError)
        dropped[std::string(drop_reason_name(static_cast<DropReason>(r)))] = l.counts.dropped[r];
    j["lanes"].push_back({{"model", l.model},
                          {"source", l.source},
                          {"entered", l.counts.entered},
                          {"processed", l.counts.processed},
                          {"dropped", dropped},
                          {"in_flight", l.counts.in_flight()},
                          {"queue_capacity", l.queue_capacity},
                          {"policy", l.policy}});
  }
  j["sinks"] = json::array();
  for (const SinkMetrics& k : s.sinks)
    j["sinks"].push_back({{"name", k.name}, {"written", k.written}, {"errors", k.errors}, {"write", latency_json(k.write)}});
  j["nvml"] = s.nvml_status;
  j["gpus"] = json::array();
  for (const GpuSample& g : s.gpus)
    j["gpus"].push_back({{"index", g.index},
                         {"name", g.name},
                         {"utilization_percent", g.utilization_percent},
                         {"memory_used_bytes", g.memory_used_bytes},
                         {"memory_total_bytes", g.memory_total_bytes},
                         {"temperature_c", g.temperature_c},
                         {"power_w", g.power_w}});
  return j.dump(2) + "\n";
}

}  // namespace fovea::pipeline
