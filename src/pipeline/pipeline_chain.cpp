// The Pipeline's chained models (detector -> classifier on crops): their checks and wiring, the
// upstream delivery that turns detections into crop frames, and the delivery of joined results.
// The join itself (order, outcomes) is chain_join.h; which detections become crops, crop_selection.h.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "pipeline/pipeline_stages.h"

namespace fovea::pipeline {
namespace {

bool is_detector(DecoderKind kind) { return kind != DecoderKind::kClassification && kind != DecoderKind::kSegmentation; }

}  // namespace

Status Pipeline::check_chains(const std::vector<PipelineModelSpec>& models) {
  for (size_t m = 0; m < models.size(); ++m) {
    const PipelineModelSpec& spec = models[m];
    if (!spec.crops_from) continue;
    const std::string what = fmt::format("model '{}': crops_from", spec.name);
    const size_t u = *spec.crops_from;
    if (u >= models.size()) return invalid_argument("{}: model index {} out of range", what, u);
    if (u == m) return invalid_argument("{}: a model cannot read its own crops", what);
    const PipelineModelSpec& up = models[u];
    if (up.crops_from)
      return invalid_argument("{}: '{}' reads crops itself; a chain is one detector reading sources and the models "
                              "reading its crops", what, up.name);
    if (!spec.sources.empty())
      return invalid_argument("model '{}': reads crops of '{}', so it takes no sources (its lanes are the upstream's)",
                              spec.name, up.name);
    for (const auto& vm : up.instances)
      if (vm && !is_detector(vm->config().decoder))
        return invalid_argument("{}: '{}' is not a detector (its decoder is {})", what, up.name,
                                decoder_kind_name(vm->config().decoder));
    for (const auto& vm : spec.instances)
      if (vm && vm->config().decoder != DecoderKind::kClassification)
        return invalid_argument("model '{}': reads crops, so it must be a classifier (its decoder is {})", spec.name,
                                decoder_kind_name(vm->config().decoder));
    const CropSelection& c = spec.crops;
    if (!(c.padding >= 0 && std::isfinite(c.padding)))
      return invalid_argument("model '{}': crop padding {} must be a finite number >= 0", spec.name, c.padding);
    if (c.min_size < 0) return invalid_argument("model '{}': crop min_size {} is negative", spec.name, c.min_size);
    if (c.max_crops < 1) return invalid_argument("model '{}': max crops per frame {} must be >= 1", spec.name, c.max_crops);
  }
  return Status::ok();
}

// A chained lane gets crops pushed by the upstream's delivery, which has already applied the
// source's policy: it blocks (never drops), and holds at least one frame's crops and one batch.
LaneOptions Pipeline::chain_lane_options(const LaneOptions& source_lane, const PipelineModelSpec& spec) {
  LaneOptions o;
  o.policy = QueuePolicy::kBlock;
  o.depth = std::max({source_lane.depth, static_cast<size_t>(std::max(1, spec.crops.max_crops)),
                      static_cast<size_t>(std::max(1, spec.batching.max_batch_size))});
  return o;
}

void Pipeline::wire_chains(const std::vector<PipelineModelSpec>& models) {
  for (size_t m = 0; m < models.size(); ++m) {
    if (!models[m].crops_from) continue;
    ModelStage& stage = *models_[m];
    const size_t u = *models[m].crops_from;
    stage.upstream = u;
    stage.crops = models[m].crops;
    models_[u]->chained.push_back(m);
    // Parents wait in the join while their crops are queued or running: a lane's crops plus two
    // batches per instance (running, and completing) bound them.
    size_t depth = 1;
    for (const LaneOptions& o : stage.lane_options) depth = std::max(depth, o.depth);
    const size_t capacity =
        depth + 2 * stage.instances.size() * static_cast<size_t>(stage.batcher->options().max_batch_size);
    stage.join = std::make_unique<ChainJoin>(
        stage.sources.size(), capacity, [this, m](size_t lane, ChainParent& parent) { deliver_joined(m, lane, parent); },
        [this, m](size_t lane, DropReason reason) { accounting_->dropped(models_[m]->global_lanes[lane], reason); });
  }
}

// Runs in the upstream's delivery (its per-source order, its thread); blocks while the chained
// model's lane or join is full, which is the backpressure the upstream's source then feels.
void Pipeline::feed_chain(size_t c, size_t local, const FramePtr& frame, const FrameResult& upstream) {
  ModelStage& stage = *models_[c];
  const size_t lane = stage.global_lanes[local];
  const std::vector<SelectedCrop> crops = select_crops(upstream, stage.crops);
  FrameResult joined;
  joined.header = upstream.header;
  joined.source = upstream.source;
  joined.sequence = upstream.sequence;
  joined.image_width = upstream.image_width;
  joined.image_height = upstream.image_height;
  joined.transform = upstream.transform;
  joined.detections.reserve(crops.size());
  for (const SelectedCrop& crop : crops) joined.detections.push_back(upstream.detections[crop.detection]);
  accounting_->entered(lane);
  const std::shared_ptr<ChainParent> parent = stage.join->add_parent(local, frame, std::move(joined), crops.size());
  if (!parent) {  // aborted while waiting for room
    accounting_->dropped(lane, DropReason::kShutdown);
    return;
  }
  metrics_->record_crops_in(c, crops.size());
  for (size_t i = 0; i < crops.size(); ++i) {
    const FramePtr crop = ChainJoin::make_crop_frame(parent, i, crops[i].roi);
    const PushOutcome<FramePtr> out = stage.batcher->push(local, crop);
    if (!out.accepted) chain_crop_dropped(c, *crop, DropReason::kShutdown);  // closed by abort()
  }
}

void Pipeline::chain_crop_dropped(size_t c, const PipelineFrame& crop, DropReason reason) {
  metrics_->record_crop_dropped(c, reason);
  models_[c]->join->crop_dropped(ChainJoin::crop_of(crop), reason);
}

// Runs under the join's lock, in the lane's order.
void Pipeline::deliver_joined(size_t c, size_t local, ChainParent& parent) {
  const ModelStage& upstream = *models_[*models_[c]->upstream];
  SinkItem item;
  item.labels = &upstream.instances.front()->labels();
  item.detection_class_labels = &models_[c]->instances.front()->labels();
  item.crops_from = upstream.name;
  item.result = std::move(parent.result);
  item.frame = parent.frame;
  item.times = parent.times;
  item.batch_size = parent.batch_size;
  publish(c, local, std::move(item));
}

}  // namespace fovea::pipeline
