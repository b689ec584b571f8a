// The pipeline's measurements: latency histograms per model stage and end to end, batch-size
// distribution, inference counters with Triton's nv_inference_* meanings, deadline misses, sink
// write times and errors. Recorded by the worker and sink threads; read as a MetricsSnapshot, a
// plain value that the console line, the Prometheus text and the JSON summary are all rendered
// from (metrics_report.h), so the three always agree.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/frame_accounting.h"
#include "pipeline/latency_histogram.h"
#include "pipeline/nvml_monitor.h"
#include "pipeline/vision_model.h"

namespace fovea::pipeline {

// Per-frame stages of one model. upload..download come from the model's StageTimes (per run()
// call, so every frame of a batch records its batch's time); queue is the wait in the model's
// input queue (queued -> taken into a batch); model is the whole run() call; end_to_end is the
// frame handed over by its source -> result delivered to the sinks (so it includes any time a
// `block` source spent waiting for room).
enum class Stage { kQueue, kUpload, kEncode, kInfer, kDecode, kDownload, kModel, kEndToEnd };
inline constexpr size_t kStageCount = 8;
std::string_view stage_name(Stage stage);  // "queue", "upload", ..., "end_to_end"

// Crops of a chained model (chain_join.h): taken from the upstream's detections into its lanes,
// classified (joined back to their frame), or dropped by reason (model_error: the crop failed and
// its detection stays unclassified; shutdown / deadline: its parent frame was dropped with it).
// After a drained run in == classified + dropped.
struct CropCounts {
  uint64_t in = 0;
  uint64_t classified = 0;
  std::array<uint64_t, kDropReasonCount> dropped{};
};

struct ModelMetrics {
  std::string name;
  std::string description;
  int max_batch_size = 1;
  std::array<LatencySummary, kStageCount> stages;
  std::vector<uint64_t> batch_size_counts;  // [s] = batches of size s (index 0 unused)
  uint64_t exec_count = 0;           // run() calls that succeeded (nv_inference_exec_count)
  uint64_t inference_count = 0;      // frames inferred by them (nv_inference_count)
  uint64_t request_failures = 0;     // frames the model failed (nv_inference_request_failure)
  uint64_t deadline_misses = 0;      // results delivered later than deadline_ms
  double fps_out = 0;                // results delivered per second, last interval
  std::string crops_from;            // a chained model's upstream ("" otherwise); its batches are of crops
  CropCounts crops;
};

struct LaneMetrics {
  std::string model;
  std::string source;
  LaneCounts counts;
  size_t queue_depth = 0;
  size_t queue_capacity = 0;
  std::string policy;
};

struct SourceMetrics {
  std::string name;
  SourceCounts counts;
  int64_t frame_count = -1;  // finite sources: total frames
  bool finished = false;
  double fps_in = 0;         // frames produced per second, last interval
};

struct SinkMetrics {
  std::string name;
  LatencySummary write;
  uint64_t written = 0;
  uint64_t errors = 0;
  size_t queue_depth = 0;
};

struct MetricsSnapshot {
  double uptime_s = 0;
  double deadline_ms = 0;  // 0: no deadline
  double fps_in = 0;       // all sources, last interval
  double fps_out = 0;      // all models' deliveries, last interval
  uint64_t host_frame_bytes_bound = 0;  // most frame memory the queues can hold (reported at start)
  std::vector<SourceMetrics> sources;
  std::vector<ModelMetrics> models;
  std::vector<LaneMetrics> lanes;
  std::vector<SinkMetrics> sinks;
  bool nvml_available = false;
  std::string nvml_status;
  std::vector<GpuSample> gpus;
};

class PipelineMetrics {
 public:
  struct ModelInfo {
    std::string name;
    std::string description;
    int max_batch_size = 1;
    std::string crops_from;  // chained models: the upstream model
  };
  PipelineMetrics(std::vector<ModelInfo> models, std::vector<std::string> sinks);

  LatencyHistogram& stage(size_t model, Stage s) { return models_[model].stages[static_cast<size_t>(s)]; }
  // One successful run() of `batch_size` frames.
  void record_batch(size_t model, int batch_size, const StageTimes& times, double model_ms);
  void record_failures(size_t model, uint64_t frames) { models_[model].failures += frames; }
  // A delivered result: end-to-end latency and, with a deadline, whether it was missed.
  void record_delivery(size_t model, double end_to_end_ms, bool deadline_missed);
  void record_sink_write(size_t sink, double ms, bool ok);
  // Chained models: crops entering the lanes, and each crop's outcome.
  void record_crops_in(size_t model, uint64_t n) { models_[model].crops_in.fetch_add(n, std::memory_order_relaxed); }
  void record_crop_classified(size_t model) { models_[model].crops_classified.fetch_add(1, std::memory_order_relaxed); }
  void record_crop_dropped(size_t model, DropReason reason) {
    models_[model].crops_dropped[static_cast<size_t>(reason)].fetch_add(1, std::memory_order_relaxed);
  }

  // Fills the model and sink parts of a snapshot (fps fields are the caller's).
  void fill(MetricsSnapshot& snapshot) const;
  uint64_t delivered(size_t model) const { return models_[model].delivered.load(); }
  uint64_t deadline_misses(size_t model) const { return models_[model].deadline_misses.load(); }
  size_t model_count() const { return models_.size(); }

 private:
  struct Model {
    ModelInfo info;
    std::array<LatencyHistogram, kStageCount> stages;
    std::unique_ptr<std::atomic<uint64_t>[]> batch_sizes;
    std::atomic<uint64_t> exec_count{0}, inference_count{0}, failures{0}, deadline_misses{0}, delivered{0};
    std::atomic<uint64_t> crops_in{0}, crops_classified{0};
    std::array<std::atomic<uint64_t>, kDropReasonCount> crops_dropped{};
  };
  struct Sink {
    std::string name;
    LatencyHistogram write;
    std::atomic<uint64_t> written{0}, errors{0};
  };
  std::vector<Model> models_;
  std::vector<Sink> sinks_;
};

}  // namespace fovea::pipeline
