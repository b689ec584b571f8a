// The streaming pipeline: sources -> per-model dynamic batchers -> model workers -> sinks.
//
//   source thread (one per source) ── push FramePtr ──► DynamicBatcher of every model it feeds
//        (one lane per source, bounded, keep_latest or block)
//   worker threads (one per model instance, each with its own VisionModel) ── next_batch() ──►
//        VisionModel::run ──► LaneSequencer (per-source order) ──► sink queues (bounded, block)
//   sink threads (one per sink) ── FrameSink::write
//
// Several models may read the same source (the frame is shared, never copied) or different ones.
// Every frame that enters a lane ends processed or dropped with a reason (frame_accounting.h).
// request_stop() stops the sources and drains: everything queued is still run and delivered;
// abort() also hands back what is queued, counted as shutdown drops. A monitor thread keeps the
// FPS rates, samples NVML, warns (rate-limited) when the deadline-miss ratio passes a threshold,
// and can print the console line.
//
// Chaining (detector -> classifier on crops): a model with `crops_from` reads no source; each
// result its upstream detector delivers feeds it instead: the selected detections
// (crop_selection.h) become crop frames (same pixels, roi = the padded box) in its batcher, one
// `block` lane per upstream source, and its crop results are joined back per parent frame, in
// per-source order (chain_join.h): one SinkItem per (chained model, frame). Its lanes count parent
// frames; its crops have their own counters. Code: pipeline_chain.cpp. See docs/pipeline.md.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"
#include "pipeline/bounded_queue.h"
#include "pipeline/chain_join.h"
#include "pipeline/crop_selection.h"
#include "pipeline/dynamic_batcher.h"
#include "pipeline/frame_accounting.h"
#include "pipeline/frame_source.h"
#include "pipeline/lane_sequencer.h"
#include "pipeline/nvml_monitor.h"
#include "pipeline/pipeline_metrics.h"
#include "pipeline/rate_limited_log.h"
#include "pipeline/vision_model.h"

namespace fovea::pipeline {

struct PipelineSourceSpec {
  std::unique_ptr<FrameSource> source;
  LaneOptions queue;  // depth and policy of this source's input queue into each model
};

struct PipelineModelSpec {
  std::string name;
  std::vector<std::unique_ptr<VisionModel>> instances;  // >= 1; one worker thread each
  std::vector<size_t> sources;                          // indices into the sources; empty: all
  BatcherOptions batching;  // max_batch_size <= every instance's config().max_batch_size
  // A chained model: reads crops of this model's detections (an index into the models; a detector
  // that reads sources) instead of sources, so `sources` must stay empty. Its instances must be
  // classifiers. Its lanes are the upstream's sources, `block`, of depth max(the source's queue
  // depth, crops.max_crops, batching.max_batch_size).
  std::optional<size_t> crops_from;
  CropSelection crops;
};

struct PipelineSinkSpec {
  std::unique_ptr<FrameSink> sink;
  std::vector<size_t> models;  // indices into the models; empty: all
  size_t queue_depth = 16;
};

struct PipelineOptions {
  double deadline_ms = 0;             // 0: no deadline
  bool drop_late_frames = false;      // drop frames already past the deadline when taken into a batch
  double deadline_miss_warn_ratio = 0.01;  // warn when more than this share of an interval's results are late
  std::chrono::milliseconds monitor_interval{1000};
  std::chrono::milliseconds console_interval{0};  // 0: no console line
  std::function<void(const std::string&)> console;  // where console lines go (default: stderr)
  bool use_nvml = true;
};

class Pipeline {
 public:
  // Checks the wiring (indices, unique source names, batch sizes against the models) before
  // anything starts; errors name the model, source or sink.
  static Result<std::unique_ptr<Pipeline>> create(std::vector<PipelineSourceSpec> sources,
                                                  std::vector<PipelineModelSpec> models,
                                                  std::vector<PipelineSinkSpec> sinks, PipelineOptions options);
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  Status start();
  // Sources stop producing; everything already queued is processed and delivered. Returns at once.
  void request_stop();
  // request_stop(), and everything still queued is dropped (shutdown) instead of processed.
  void abort();
  // Blocks until every source ended and everything drained (true), or `timeout` passed (false).
  bool wait_for(std::chrono::milliseconds timeout);
  void wait();
  bool finished() const;

  MetricsSnapshot snapshot() const;
  const FrameAccounting& accounting() const { return *accounting_; }
  // "host frame memory bound: 190.1 MiB (per source, produced + queued: 5 frames of 5.9 MiB for
  // 'cam_0', ...; across sources: 64 frames in model batches, 16 in sink queues)" + GPU slots.
  const std::string& memory_report() const { return memory_report_; }
  uint64_t host_frame_bytes_bound() const { return host_frame_bytes_bound_; }
  size_t source_count() const { return sources_.size(); }
  const FrameSource& source(size_t i) const { return *sources_[i].source; }

 private:
  struct Delivery;
  struct ModelStage;
  struct SinkStage;
  Pipeline() = default;
  // Chained models (pipeline_chain.cpp): checks, and the lane options and join of each.
  static Status check_chains(const std::vector<PipelineModelSpec>& models);
  static LaneOptions chain_lane_options(const LaneOptions& source_lane, const PipelineModelSpec& spec);
  void wire_chains(const std::vector<PipelineModelSpec>& models);
  // The upstream delivered `upstream` for `frame`: its crops go into chained model c's lane `local`.
  void feed_chain(size_t c, size_t local, const FramePtr& frame, const FrameResult& upstream);
  void deliver_joined(size_t c, size_t local, ChainParent& parent);
  void chain_crop_dropped(size_t c, const PipelineFrame& crop, DropReason reason);

  void run_source(size_t source);
  void run_worker(size_t model, size_t instance);
  void run_sink(size_t sink);
  void run_monitor();
  void source_finished(size_t source);
  void worker_finished(size_t model);
  void thread_finished();
  using BatchEntry = DynamicBatcher<FramePtr>::Entry;
  void run_batch(size_t model, VisionModel& vm, std::vector<BatchEntry>& batch);
  void submit_batch(size_t model, VisionModel& vm, std::shared_ptr<std::vector<BatchEntry>> entries);
  void complete_batch(size_t model, VisionModel& vm, const std::shared_ptr<std::vector<BatchEntry>>& entries,
                      Result<std::vector<FrameResult>> results, const StageTimes& times, double model_ms);
  void drop_model_error(size_t model, BatchEntry& entry, const std::string& why);
  void drop_entry(size_t model, BatchEntry& entry, DropReason reason);
  void deliver(size_t model, size_t local_lane, Delivery&& d);
  void publish(size_t model, size_t local_lane, SinkItem&& item);
  void compute_memory_bound();
  Status prepare_gpu_frames();

  std::vector<PipelineSourceSpec> sources_;
  std::vector<std::unique_ptr<ModelStage>> models_;
  std::vector<std::unique_ptr<SinkStage>> sinks_;
  PipelineOptions options_;
  std::unique_ptr<FrameAccounting> accounting_;
  std::unique_ptr<PipelineMetrics> metrics_;
  std::vector<std::vector<std::pair<size_t, size_t>>> source_lanes_;  // per source: (model, local lane)
  std::unique_ptr<NvmlMonitor> nvml_;
  std::unique_ptr<std::atomic<bool>[]> source_done_;

  std::vector<std::thread> threads_;
  std::thread monitor_;
  std::atomic<bool> started_{false};
  std::atomic<bool> stop_{false};
  mutable std::mutex state_mutex_;
  std::condition_variable state_cv_;
  size_t active_threads_ = 0;
  bool monitor_exit_ = false;
  SteadyClock::time_point start_time_;

  // Written by the monitor thread, read by snapshot().
  mutable std::mutex rates_mutex_;
  std::vector<double> source_fps_;
  std::vector<double> model_fps_;
  std::vector<GpuSample> gpu_samples_;

  std::string memory_report_;
  std::string gpu_memory_report_;  // the GPU models' frame slots, page-locked sources
  uint64_t host_frame_bytes_bound_ = 0;
  RateLimitedLog decode_log_, model_log_, sink_log_, deadline_log_{std::chrono::seconds(10)};
};

}  // namespace fovea::pipeline
