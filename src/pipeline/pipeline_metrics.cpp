#include "pipeline/pipeline_metrics.h"

#include <algorithm>

namespace fovea::pipeline {

std::string_view stage_name(Stage stage) {
  switch (stage) {
    case Stage::kQueue: return "queue";
    case Stage::kUpload: return "upload";
    case Stage::kEncode: return "encode";
    case Stage::kInfer: return "infer";
    case Stage::kDecode: return "decode";
    case Stage::kDownload: return "download";
    case Stage::kModel: return "model";
    case Stage::kEndToEnd: return "end_to_end";
  }
  return "unknown";
}

PipelineMetrics::PipelineMetrics(std::vector<ModelInfo> models, std::vector<std::string> sinks)
    : models_(models.size()), sinks_(sinks.size()) {
  for (size_t i = 0; i < models.size(); ++i) {
    models_[i].info = std::move(models[i]);
    models_[i].info.max_batch_size = std::max(1, models_[i].info.max_batch_size);
    const size_t slots = static_cast<size_t>(models_[i].info.max_batch_size) + 1;
    models_[i].batch_sizes.reset(new std::atomic<uint64_t>[slots]);
    for (size_t s = 0; s < slots; ++s) models_[i].batch_sizes[s] = 0;
  }
  for (size_t i = 0; i < sinks.size(); ++i) sinks_[i].name = std::move(sinks[i]);
}

void PipelineMetrics::record_batch(size_t model, int batch_size, const StageTimes& times, double model_ms) {
  Model& m = models_[model];
  const int slot = std::clamp(batch_size, 1, m.info.max_batch_size);
  m.batch_sizes[static_cast<size_t>(slot)].fetch_add(1, std::memory_order_relaxed);
  m.exec_count.fetch_add(1, std::memory_order_relaxed);
  m.inference_count.fetch_add(static_cast<uint64_t>(batch_size), std::memory_order_relaxed);
  // Every frame of the batch waited for the whole call, so each records the call's stage times.
  for (int i = 0; i < batch_size; ++i) {
    stage(model, Stage::kUpload).record_ms(times.upload_ms);
    stage(model, Stage::kEncode).record_ms(times.encode_ms);
    stage(model, Stage::kInfer).record_ms(times.infer_ms);
    stage(model, Stage::kDecode).record_ms(times.decode_ms);
    stage(model, Stage::kDownload).record_ms(times.download_ms);
    stage(model, Stage::kModel).record_ms(model_ms);
  }
}

void PipelineMetrics::record_delivery(size_t model, double end_to_end_ms, bool deadline_missed) {
  stage(model, Stage::kEndToEnd).record_ms(end_to_end_ms);
  models_[model].delivered.fetch_add(1, std::memory_order_relaxed);
  if (deadline_missed) models_[model].deadline_misses.fetch_add(1, std::memory_order_relaxed);
}

void PipelineMetrics::record_sink_write(size_t sink, double ms, bool ok) {
  sinks_[sink].write.record_ms(ms);
  (ok ? sinks_[sink].written : sinks_[sink].errors).fetch_add(1, std::memory_order_relaxed);
}

void PipelineMetrics::fill(MetricsSnapshot& snapshot) const {
  snapshot.models.resize(models_.size());
  for (size_t i = 0; i < models_.size(); ++i) {
    const Model& m = models_[i];
    ModelMetrics& out = snapshot.models[i];
    out.name = m.info.name;
    out.description = m.info.description;
    out.max_batch_size = m.info.max_batch_size;
    for (size_t s = 0; s < kStageCount; ++s) out.stages[s] = m.stages[s].summary();
    out.batch_size_counts.assign(static_cast<size_t>(m.info.max_batch_size) + 1, 0);
    for (size_t s = 0; s < out.batch_size_counts.size(); ++s) out.batch_size_counts[s] = m.batch_sizes[s].load();
    out.exec_count = m.exec_count.load();
    out.inference_count = m.inference_count.load();
    out.request_failures = m.failures.load();
    out.deadline_misses = m.deadline_misses.load();
    out.crops_from = m.info.crops_from;
    out.crops.in = m.crops_in.load();
    out.crops.classified = m.crops_classified.load();
    for (size_t r = 0; r < kDropReasonCount; ++r) out.crops.dropped[r] = m.crops_dropped[r].load();
  }
  snapshot.sinks.resize(sinks_.size());
  for (size_t i = 0; i < sinks_.size(); ++i) {
    snapshot.sinks[i].name = sinks_[i].name;
    snapshot.sinks[i].write = sinks_[i].write.summary();
    snapshot.sinks[i].written = sinks_[i].written.load();
    snapshot.sinks[i].errors = sinks_[i].errors.load();
  }
}

}  // namespace fovea::pipeline
