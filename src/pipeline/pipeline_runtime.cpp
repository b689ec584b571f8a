#include "pipeline/pipeline_runtime.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <span>

#include <fmt/format.h>

#include "core/logging.h"
#include "pipeline/metrics_report.h"
#include "pipeline/pipeline_stages.h"

namespace fovea::pipeline {
namespace {

double ms_between(SteadyClock::time_point a, SteadyClock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

}  // namespace

Result<std::unique_ptr<Pipeline>> Pipeline::create(std::vector<PipelineSourceSpec> sources,
                                                   std::vector<PipelineModelSpec> models,
                                                   std::vector<PipelineSinkSpec> sinks, PipelineOptions options) {
  if (sources.empty()) return invalid_argument("pipeline: no sources");
  if (models.empty()) return invalid_argument("pipeline: no models");
  std::unique_ptr<Pipeline> p(new Pipeline());
  std::set<std::string> source_names;
  std::vector<std::string> source_name_list;
  for (size_t i = 0; i < sources.size(); ++i) {
    if (!sources[i].source) return invalid_argument("pipeline: source {} is null", i);
    const std::string& name = sources[i].source->name();
    if (!source_names.insert(name).second) return invalid_argument("pipeline: two sources are named '{}'", name);
    if (sources[i].queue.depth < 1) return invalid_argument("source '{}': queue depth must be >= 1", name);
    source_name_list.push_back(name);
  }
  std::set<std::string> model_names;
  std::vector<std::string> model_name_list;
  std::vector<FrameAccounting::Lane> lanes;
  std::vector<PipelineMetrics::ModelInfo> infos;
  p->source_lanes_.resize(sources.size());
  FOVEA_RETURN_IF_ERROR(check_chains(models));
  // Chained models read their upstream's sources, in the same lane order.
  for (PipelineModelSpec& spec : models)
    if (!spec.crops_from && spec.sources.empty())
      for (size_t s = 0; s < sources.size(); ++s) spec.sources.push_back(s);
  for (PipelineModelSpec& spec : models)
    if (spec.crops_from) spec.sources = models[*spec.crops_from].sources;
  for (size_t m = 0; m < models.size(); ++m) {
    PipelineModelSpec& spec = models[m];
    if (!model_names.insert(spec.name).second) return invalid_argument("pipeline: two models are named '{}'", spec.name);
    if (spec.instances.empty()) return invalid_argument("model '{}': no instances", spec.name);
    FOVEA_RETURN_IF_ERROR(validate_batcher_options(spec.batching, fmt::format("model '{}'", spec.name)));
    for (const auto& vm : spec.instances) {
      if (!vm) return invalid_argument("model '{}': an instance is null", spec.name);
      if (spec.batching.max_batch_size > vm->config().max_batch_size)
        return invalid_argument("model '{}': max_batch_size {} exceeds what the model instance supports ({})", spec.name,
                                spec.batching.max_batch_size, vm->config().max_batch_size);
    }
    auto stage = std::make_unique<ModelStage>();
    stage->name = spec.name;
    stage->instances = std::move(spec.instances);
    for (size_t s : spec.sources) {
      if (s >= sources.size()) return invalid_argument("model '{}': source index {} out of range", spec.name, s);
      if (std::find(stage->sources.begin(), stage->sources.end(), s) != stage->sources.end())
        return invalid_argument("model '{}': source '{}' listed twice", spec.name, source_name_list[s]);
      const size_t local = stage->sources.size();
      stage->sources.push_back(s);
      stage->global_lanes.push_back(lanes.size());
      stage->lane_options.push_back(spec.crops_from ? chain_lane_options(sources[s].queue, spec) : sources[s].queue);
      lanes.push_back({m, s});
      if (!spec.crops_from) p->source_lanes_[s].emplace_back(m, local);  // a chained model's lanes get crops, not frames
    }
    stage->batcher = std::make_unique<DynamicBatcher<FramePtr>>(spec.batching, stage->lane_options);
    stage->sequencer = std::make_unique<LaneSequencer<Delivery>>(stage->sources.size());
    infos.push_back({spec.name, stage->instances.front()->description(), spec.batching.max_batch_size,
                     spec.crops_from ? models[*spec.crops_from].name : std::string()});
    model_name_list.push_back(spec.name);
    p->models_.push_back(std::move(stage));
  }
  std::vector<std::string> sink_names;
  for (size_t k = 0; k < sinks.size(); ++k) {
    if (!sinks[k].sink) return invalid_argument("pipeline: sink {} is null", k);
    auto stage = std::make_unique<SinkStage>();
    if (sinks[k].models.empty())
      for (size_t m = 0; m < models.size(); ++m) sinks[k].models.push_back(m);
    for (size_t m : sinks[k].models) {
      if (m >= models.size()) return invalid_argument("sink '{}': model index {} out of range", sinks[k].sink->name(), m);
      p->models_[m]->sinks.push_back(k);
    }
    stage->models_remaining = sinks[k].models.size();
    stage->queue = std::make_unique<BoundedQueue<std::shared_ptr<const SinkItem>>>(std::max<size_t>(1, sinks[k].queue_depth),
                                                                                  QueuePolicy::kBlock);
    sink_names.push_back(sinks[k].sink->name());
    stage->sink = std::move(sinks[k].sink);
    p->sinks_.push_back(std::move(stage));
  }
  p->sources_ = std::move(sources);
  p->options_ = std::move(options);
  p->accounting_ = std::make_unique<FrameAccounting>(source_name_list, model_name_list, lanes);
  p->metrics_ = std::make_unique<PipelineMetrics>(infos, sink_names);
  p->source_done_.reset(new std::atomic<bool>[p->sources_.size()]);
  for (size_t s = 0; s < p->sources_.size(); ++s) p->source_done_[s] = false;
  p->source_fps_.assign(p->sources_.size(), 0.0);
  p->model_fps_.assign(p->models_.size(), 0.0);
  p->wire_chains(models);
  FOVEA_RETURN_IF_ERROR(p->prepare_gpu_frames());  // first: a pipelined model holds more batches
  p->compute_memory_bound();
  return p;
}

// GPU models: their sources page-lock their frame buffers where they can, and every instance
// allocates its frame slots up front for the largest frame of its sources.
Status Pipeline::prepare_gpu_frames() {
  std::shared_ptr<HostMemoryLocker> locker;
  bool locker_asked = false;
  std::vector<int> locked(sources_.size(), -1);  // -1: not asked yet
  for (auto& stage : models_) {
    if (stage->instances.front()->config().device != ComputeDevice::kGpu) continue;
    if (!locker_asked) {
      locker = make_cuda_host_memory_locker();
      locker_asked = true;
    }
    size_t frame_bytes = 0;
    bool size_known = true, all_locked = true;
    for (size_t s : stage->sources) {
      if (locked[s] < 0) locked[s] = locker && sources_[s].source->use_page_locked_memory(locker) ? 1 : 0;
      all_locked = all_locked && locked[s] == 1;
      const size_t bytes = sources_[s].source->frame_bytes();
      size_known = size_known && bytes > 0;
      frame_bytes = std::max(frame_bytes, bytes);
    }
    for (auto& vm : stage->instances) {
      auto report = vm->reserve_frame_buffers(size_known ? frame_bytes : 0, all_locked);
      if (!report.is_ok()) return report.status().with_context(fmt::format("model '{}'", stage->name));
      if (!report->empty()) gpu_memory_report_ += "; " + *report;
    }
  }
  const auto n_locked = std::count(locked.begin(), locked.end(), 1);
  if (n_locked > 0)
    gpu_memory_report_ += fmt::format("; frames page-locked for direct DMA: {} of {} sources", n_locked, sources_.size());
  return Status::ok();
}

// Distinct frames alive: per source, the one being produced and its queue slots in every lane it
// feeds (and a chained model's joins); shared by all sources, the batches each model instance has
// in flight (a pipelined GPU model several; the sequencer may hold as many completed ones again)
// and the sink queues. Shared slots are counted at the largest frame that can fill them.
void Pipeline::compute_memory_bound() {
  std::string parts;
  host_frame_bytes_bound_ = 0;
  size_t largest = 0;
  for (size_t s = 0; s < sources_.size(); ++s) {
    size_t frames = 1;
    for (const auto& [m, local] : source_lanes_[s]) frames += models_[m]->lane_options[local].depth;
    for (const auto& stage : models_)  // a chained model's join keeps at most its capacity of parent frames
      if (stage->join)
        for (size_t local = 0; local < stage->sources.size(); ++local)
          if (stage->sources[local] == s) frames += stage->join->parent_capacity();
    const size_t bytes = sources_[s].source->frame_bytes();
    largest = std::max(largest, bytes);
    host_frame_bytes_bound_ += frames * bytes;
    if (s < 4) parts += fmt::format("{}{} frames of {:.1f} MiB for '{}'", s ? ", " : "", frames, bytes / 1048576.0,
                                    sources_[s].source->name());
  }
  if (sources_.size() > 4) parts += fmt::format(", ... ({} sources)", sources_.size());
  size_t batch_frames = 0;
  for (const auto& stage : models_) {
    size_t model_bytes = 0;
    for (size_t s : stage->sources) model_bytes = std::max(model_bytes, sources_[s].source->frame_bytes());
    size_t frames = 0;
    for (const auto& vm : stage->instances)
      frames += 2 * static_cast<size_t>(vm->max_batches_in_flight()) *
                static_cast<size_t>(stage->batcher->options().max_batch_size);
    batch_frames += frames;
    host_frame_bytes_bound_ += frames * model_bytes;
  }
  size_t sink_slots = 0;
  for (const auto& k : sinks_) sink_slots += k->queue->capacity();
  host_frame_bytes_bound_ += sink_slots * largest;
  memory_report_ = fmt::format(
      "host frame memory bound: {:.1f} MiB (per source, produced + queued: {}; across sources: {} frames in model "
      "batches, {} in sink queues)",
      host_frame_bytes_bound_ / 1048576.0, parts, batch_frames, sink_slots) + gpu_memory_report_;
}

Pipeline::~Pipeline() {
  if (started_) {
    abort();
    wait();
  }
}

Status Pipeline::start() {
  if (started_.exchange(true)) return internal_error("pipeline: start() called twice");
  start_time_ = SteadyClock::now();
  if (options_.use_nvml) {
    nvml_ = NvmlMonitor::open();
    log::info("{}", nvml_->status());
  }
  log::info("{}", memory_report_);
  for (auto& m : models_) {
    m->sources_remaining = m->sources.size();
    m->workers_remaining = m->instances.size();
  }
  {
    std::lock_guard lock(state_mutex_);
    active_threads_ = sources_.size() + sinks_.size();
    for (const auto& m : models_) active_threads_ += m->instances.size();
  }
  for (size_t k = 0; k < sinks_.size(); ++k) threads_.emplace_back([this, k] { run_sink(k); });
  for (size_t m = 0; m < models_.size(); ++m)
    for (size_t i = 0; i < models_[m]->instances.size(); ++i) threads_.emplace_back([this, m, i] { run_worker(m, i); });
  for (size_t s = 0; s < sources_.size(); ++s) threads_.emplace_back([this, s] { run_source(s); });
  monitor_ = std::thread([this] { run_monitor(); });
  return Status::ok();
}

void Pipeline::request_stop() {
  stop_ = true;
  for (auto& s : sources_) s.source->request_stop();
}

void Pipeline::abort() {
  request_stop();
  for (size_t m = 0; m < models_.size(); ++m) {
    ModelStage& stage = *models_[m];
    if (stage.join) stage.join->abort();  // an upstream blocked on a full join lane gives up
    for (auto& [local, frame] : stage.batcher->abort()) {
      if (stage.join) chain_crop_dropped(m, *frame, DropReason::kShutdown);
      else accounting_->dropped(stage.global_lanes[local], DropReason::kShutdown);
    }
  }
}

bool Pipeline::finished() const {
  std::lock_guard lock(state_mutex_);
  return started_ && active_threads_ == 0;
}

bool Pipeline::wait_for(std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_mutex_);
  return state_cv_.wait_for(lock, timeout, [&] { return active_threads_ == 0; });
}

void Pipeline::wait() {
  {
    std::unique_lock lock(state_mutex_);
    state_cv_.wait(lock, [&] { return active_threads_ == 0; });
    monitor_exit_ = true;
  }
  state_cv_.notify_all();
  for (std::thread& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
  if (monitor_.joinable()) monitor_.join();
}

void Pipeline::thread_finished() {
  {
    std::lock_guard lock(state_mutex_);
    --active_threads_;
  }
  state_cv_.notify_all();
}

void Pipeline::run_source(size_t s) {
  FrameSource& source = *sources_[s].source;
  int64_t sequence = 0;
  while (!stop_) {
    Result<std::optional<SourceFrame>> next = source.next();
    if (!next.is_ok()) {
      accounting_->source_decode_error(s);
      decode_log_.warn(fmt::format("source '{}': frame dropped (decode_error): {}", source.name(), next.status().message()));
      continue;
    }
    if (!next->has_value()) break;
    SourceFrame& sf = **next;
    auto frame = std::make_shared<PipelineFrame>();
    frame->frame = std::move(sf.frame);
    frame->pixels = std::move(sf.pixels);
    frame->frame.sequence = sequence++;
    if (frame->frame.source.empty()) frame->frame.source = source.name();
    frame->source_index = s;
    frame->entered = SteadyClock::now();
    accounting_->source_frame(s);
    const FramePtr shared = std::move(frame);
    for (const auto& [m, local] : source_lanes_[s]) {
      ModelStage& stage = *models_[m];
      const size_t lane = stage.global_lanes[local];
      accounting_->entered(lane);
      PushOutcome<FramePtr> out = stage.batcher->push(local, shared);
      if (out.evicted) accounting_->dropped(lane, DropReason::kQueueFull);
      if (!out.accepted) accounting_->dropped(lane, DropReason::kShutdown);
    }
  }
  source_done_[s] = true;
  source_finished(s);
  thread_finished();
}

void Pipeline::source_finished(size_t s) {
  for (const auto& [m, local] : source_lanes_[s])
    if (models_[m]->sources_remaining.fetch_sub(1) == 1) models_[m]->batcher->close();
}

void Pipeline::run_worker(size_t m, size_t instance) {
  ModelStage& stage = *models_[m];
  VisionModel& vm = *stage.instances[instance];
  for (;;) {
    std::vector<BatchEntry> batch = stage.batcher->next_batch();
    if (batch.empty()) break;
    run_batch(m, vm, batch);
  }
  vm.drain();  // a pipelined model may still be completing batches
  worker_finished(m);
  thread_finished();
}

void Pipeline::run_batch(size_t m, VisionModel& vm, std::vector<BatchEntry>& batch) {
  const auto taken = SteadyClock::now();
  std::vector<BatchEntry*> live;
  for (auto& e : batch) {
    const double waited_ms = ms_between(e.item->entered, taken);
    metrics_->stage(m, Stage::kQueue).record_ms(ms_between(e.enqueued, taken));
    if (options_.drop_late_frames && options_.deadline_ms > 0 && waited_ms > options_.deadline_ms) {
      drop_entry(m, e, DropReason::kDeadline);
      continue;
    }
    live.push_back(&e);
  }
  if (live.empty()) return;
  // One bad frame costs only itself: frames the model would reject are dropped before batching.
  auto entries = std::make_shared<std::vector<BatchEntry>>();
  for (auto* e : live) {
    if (Status s = vm.check_frame(e->item->frame); !s.is_ok()) {
      drop_model_error(m, *e, s.message());
      continue;
    }
    entries->push_back(std::move(*e));
  }
  if (!entries->empty()) submit_batch(m, vm, std::move(entries));
}

void Pipeline::submit_batch(size_t m, VisionModel& vm, std::shared_ptr<std::vector<BatchEntry>> entries) {
  std::vector<Frame> frames;
  frames.reserve(entries->size());
  for (const BatchEntry& e : *entries) frames.push_back(e.item->frame);
  const auto submitted = SteadyClock::now();
  vm.submit(std::move(frames), [this, m, &vm, entries, submitted](Result<std::vector<FrameResult>> results,
                                                                   const StageTimes& times) {
    complete_batch(m, vm, entries, std::move(results), times, ms_between(submitted, SteadyClock::now()));
  });
}

// Runs where the model completes a batch: inline for the CPU model, on the GPU model's decode thread.
void Pipeline::complete_batch(size_t m, VisionModel& vm, const std::shared_ptr<std::vector<BatchEntry>>& entries,
                              Result<std::vector<FrameResult>> results, const StageTimes& times, double model_ms) {
  ModelStage& stage = *models_[m];
  const size_t n = entries->size();
  if (results.is_ok() && results->size() == n) {
    metrics_->record_batch(m, static_cast<int>(n), times, model_ms);
    if (stage.join) {  // crops: their classes join their parent frame
      for (size_t i = 0; i < n; ++i) {
        metrics_->record_crop_classified(m);
        stage.join->crop_classified(ChainJoin::crop_of(*(*entries)[i].item), std::move((*results)[i].classes), times,
                                    static_cast<int>(n));
      }
      return;
    }
    for (size_t i = 0; i < n; ++i) {
      BatchEntry& e = (*entries)[i];
      Delivery d{std::move((*results)[i]), e.item, times, static_cast<int>(n)};
      stage.sequencer->complete(e.lane, e.ticket, std::move(d),
                                [&](size_t lane, Delivery&& ready) { deliver(m, lane, std::move(ready)); });
    }
    return;
  }
  const std::string why =
      results.is_ok() ? fmt::format("returned {} results for {} frames", results->size(), n) : results.status().message();
  if (n > 1 && !vm.pipelined()) {
    // An inline model may fail a batch for one frame's sake: retry each frame alone.
    for (BatchEntry& e : *entries)
      submit_batch(m, vm, std::make_shared<std::vector<BatchEntry>>(1, std::move(e)));
    return;
  }
  for (BatchEntry& e : *entries) drop_model_error(m, e, why);
}

void Pipeline::drop_model_error(size_t m, BatchEntry& e, const std::string& why) {
  ModelStage& stage = *models_[m];
  model_log_.warn(fmt::format("model '{}': {} {} of '{}' {} (model_error): {}", stage.name,
                              stage.join ? "a crop of frame" : "frame", e.item->frame.sequence, e.item->frame.source,
                              stage.join ? "failed, its detection stays unclassified" : "dropped", why));
  metrics_->record_failures(m, 1);
  if (stage.join) {  // a failed crop: its detection stays unclassified, the frame is still delivered
    metrics_->record_crop_dropped(m, DropReason::kModelError);
    stage.join->crop_failed(ChainJoin::crop_of(*e.item));
    return;
  }
  drop_entry(m, e, DropReason::kModelError);
}

void Pipeline::drop_entry(size_t m, BatchEntry& e, DropReason reason) {
  ModelStage& stage = *models_[m];
  if (stage.join) {
    chain_crop_dropped(m, *e.item, reason);
    return;
  }
  accounting_->dropped(stage.global_lanes[e.lane], reason);
  stage.sequencer->complete(e.lane, e.ticket, std::nullopt,
                            [&](size_t lane, Delivery&& ready) { deliver(m, lane, std::move(ready)); });
}

void Pipeline::deliver(size_t m, size_t local_lane, Delivery&& d) {
  SinkItem item;
  item.result = std::move(d.result);
  item.frame = std::move(d.frame);
  item.times = d.times;
  item.batch_size = d.batch_size;
  publish(m, local_lane, std::move(item));
}

// Counts a result as delivered (end-to-end latency, deadline, accounting), feeds the models chained
// to this one, and hands it to the model's sinks. `item` brings the result, frame, times and batch
// size (a chained result also its labels); the rest is filled here.
void Pipeline::publish(size_t m, size_t local_lane, SinkItem&& item) {
  ModelStage& stage = *models_[m];
  item.end_to_end_ms = ms_between(item.frame->entered, SteadyClock::now());
  metrics_->record_delivery(m, item.end_to_end_ms, options_.deadline_ms > 0 && item.end_to_end_ms > options_.deadline_ms);
  accounting_->processed(stage.global_lanes[local_lane]);
  for (size_t c : stage.chained) feed_chain(c, local_lane, item.frame, item.result);
  if (stage.sinks.empty()) return;
  item.model = stage.name;
  item.stream = sources_[item.frame->source_index].source->name();
  if (!item.labels) item.labels = &stage.instances.front()->labels();
  const auto shared = std::make_shared<const SinkItem>(std::move(item));
  for (size_t k : stage.sinks) (void)sinks_[k]->queue->push(shared);
}

void Pipeline::worker_finished(size_t m) {
  if (models_[m]->workers_remaining.fetch_sub(1) != 1) return;
  // Every result of this model is delivered: no more crops for the models chained to it.
  for (size_t c : models_[m]->chained) models_[c]->batcher->close();
  for (size_t k : models_[m]->sinks)
    if (sinks_[k]->models_remaining.fetch_sub(1) == 1) sinks_[k]->queue->close();
}

void Pipeline::run_sink(size_t k) {
  SinkStage& stage = *sinks_[k];
  while (std::optional<std::shared_ptr<const SinkItem>> item = stage.queue->pop()) {
    const auto t0 = SteadyClock::now();
    const Status st = stage.sink->write(**item);
    metrics_->record_sink_write(k, ms_between(t0, SteadyClock::now()), st.is_ok());
    if (!st.is_ok()) sink_log_.warn(fmt::format("sink '{}': {}", stage.sink->name(), st.message()));
  }
  if (const Status st = stage.sink->close(); !st.is_ok())
    log::error("sink '{}': closing failed: {}", stage.sink->name(), st.message());
  thread_finished();
}

void Pipeline::run_monitor() {
  std::vector<uint64_t> last_source_frames(sources_.size(), 0);
  std::vector<uint64_t> last_delivered(models_.size(), 0), last_misses(models_.size(), 0);
  auto last_tick = SteadyClock::now();
  auto last_console = last_tick;
  for (;;) {
    {
      std::unique_lock lock(state_mutex_);
      if (state_cv_.wait_for(lock, options_.monitor_interval, [&] { return monitor_exit_; })) return;
    }
    const auto now = SteadyClock::now();
    const double dt = std::max(1e-6, std::chrono::duration<double>(now - last_tick).count());
    last_tick = now;
    std::vector<double> source_fps(sources_.size()), model_fps(models_.size());
    for (size_t s = 0; s < sources_.size(); ++s) {
      const uint64_t frames = accounting_->source_counts(s).frames;
      source_fps[s] = static_cast<double>(frames - last_source_frames[s]) / dt;
      last_source_frames[s] = frames;
    }
    for (size_t m = 0; m < models_.size(); ++m) {
      const uint64_t delivered = metrics_->delivered(m), misses = metrics_->deadline_misses(m);
      const uint64_t d_delivered = delivered - last_delivered[m], d_misses = misses - last_misses[m];
      model_fps[m] = static_cast<double>(d_delivered) / dt;
      if (options_.deadline_ms > 0 && d_delivered > 0 &&
          static_cast<double>(d_misses) > options_.deadline_miss_warn_ratio * static_cast<double>(d_delivered))
        deadline_log_.warn(fmt::format("model '{}': {} of {} results in the last {:.1f} s missed the {} ms deadline",
                                       models_[m]->name, d_misses, d_delivered, dt, options_.deadline_ms));
      last_delivered[m] = delivered;
      last_misses[m] = misses;
    }
    std::vector<GpuSample> gpus;
    if (nvml_ && nvml_->available()) gpus = nvml_->sample();
    {
      std::lock_guard lock(rates_mutex_);
      source_fps_ = std::move(source_fps);
      model_fps_ = std::move(model_fps);
      gpu_samples_ = std::move(gpus);
    }
    if (options_.console_interval.count() > 0 && now - last_console >= options_.console_interval) {
      last_console = now;
      const std::string line = format_console_line(snapshot());
      if (options_.console) options_.console(line);
      else std::fprintf(stderr, "%s\n", line.c_str());
    }
  }
}

MetricsSnapshot Pipeline::snapshot() const {
  MetricsSnapshot s;
  metrics_->fill(s);
  s.uptime_s = started_ ? std::chrono::duration<double>(SteadyClock::now() - start_time_).count() : 0.0;
  s.deadline_ms = options_.deadline_ms;
  s.host_frame_bytes_bound = host_frame_bytes_bound_;
  {
    std::lock_guard lock(rates_mutex_);
    for (size_t m = 0; m < models_.size(); ++m) {
      s.models[m].fps_out = model_fps_[m];
      s.fps_out += model_fps_[m];
    }
    for (double f : source_fps_) s.fps_in += f;
    s.gpus = gpu_samples_;
    s.sources.resize(sources_.size());
    for (size_t i = 0; i < sources_.size(); ++i) s.sources[i].fps_in = source_fps_[i];
  }
  for (size_t i = 0; i < sources_.size(); ++i) {
    SourceMetrics& out = s.sources[i];
    out.name = sources_[i].source->name();
    out.counts = accounting_->source_counts(i);
    out.frame_count = sources_[i].source->frame_count();
    out.finished = source_done_[i].load();
  }
  for (size_t m = 0; m < models_.size(); ++m) {
    const ModelStage& stage = *models_[m];
    for (size_t local = 0; local < stage.sources.size(); ++local) {
      LaneMetrics l;
      l.model = stage.name;
      l.source = sources_[stage.sources[local]].source->name();
      l.counts = accounting_->lane_counts(stage.global_lanes[local]);
      l.queue_depth = stage.batcher->depth(local);
      l.queue_capacity = stage.batcher->lane_capacity(local);
      l.policy = std::string(queue_policy_name(stage.lane_options[local].policy));
      s.lanes.push_back(std::move(l));
    }
  }
  for (size_t k = 0; k < sinks_.size(); ++k) s.sinks[k].queue_depth = sinks_[k]->queue->size();
  s.nvml_available = nvml_ && nvml_->available();
  s.nvml_status = nvml_ ? nvml_->status() : "nvml unavailable: not opened";
  return s;
}

}  // namespace fovea::pipeline
