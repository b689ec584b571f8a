#include "pipeline/chain_join.h"

#include <algorithm>

namespace fovea::pipeline {

ChainJoin::ChainJoin(size_t lanes, size_t parent_capacity, Deliver deliver, Drop drop)
    : capacity_(std::max<size_t>(1, parent_capacity)), deliver_(std::move(deliver)), drop_(std::move(drop)),
      lanes_(lanes) {}

std::shared_ptr<ChainParent> ChainJoin::add_parent(size_t lane, FramePtr frame, FrameResult result, size_t crops) {
  auto parent = std::make_shared<ChainParent>();
  parent->lane = lane;
  parent->frame = std::move(frame);
  parent->result = std::move(result);
  parent->result.detection_classes.assign(parent->result.detections.size(), {});
  parent->pending = crops;
  std::unique_lock lock(mutex_);
  space_.wait(lock, [&] { return aborted_ || lanes_[lane].size() < capacity_; });
  if (aborted_) return nullptr;
  lanes_[lane].push_back(parent);
  if (crops == 0) flush(lane);
  return parent;
}

FramePtr ChainJoin::make_crop_frame(const std::shared_ptr<ChainParent>& parent, size_t index, const vision::CropRoi& roi) {
  auto crop = std::make_shared<ChainCropFrame>();
  const PipelineFrame& from = *parent->frame;
  crop->frame = from.frame;
  crop->frame.roi = roi;
  crop->pixels = from.pixels;
  crop->source_index = from.source_index;
  crop->entered = from.entered;  // the chained model's end-to-end clock is the parent's
  crop->parent = parent;
  crop->index = index;
  return crop;
}

void ChainJoin::crop_classified(const ChainCropFrame& crop, std::vector<vision::ClassScore> classes,
                                const StageTimes& times, int batch_size) {
  std::lock_guard lock(mutex_);
  ChainParent& p = *crop.parent;
  if (crop.index < p.result.detection_classes.size()) p.result.detection_classes[crop.index] = std::move(classes);
  p.times = times;
  p.batch_size = batch_size;
  finish_one(p);
}

void ChainJoin::crop_failed(const ChainCropFrame& crop) {
  std::lock_guard lock(mutex_);
  finish_one(*crop.parent);
}

void ChainJoin::crop_dropped(const ChainCropFrame& crop, DropReason reason) {
  std::lock_guard lock(mutex_);
  ChainParent& p = *crop.parent;
  if (!p.dropped) p.dropped = reason;
  finish_one(p);
}

void ChainJoin::finish_one(ChainParent& parent) {
  if (parent.pending > 0) --parent.pending;
  if (parent.pending == 0) flush(parent.lane);
}

void ChainJoin::flush(size_t lane) {
  std::deque<std::shared_ptr<ChainParent>>& q = lanes_[lane];
  bool popped = false;
  while (!q.empty() && q.front()->pending == 0) {
    const std::shared_ptr<ChainParent> parent = std::move(q.front());
    q.pop_front();
    popped = true;
    if (parent->dropped) drop_(lane, *parent->dropped);
    else deliver_(lane, *parent);
  }
  if (popped) space_.notify_all();
}

void ChainJoin::abort() {
  {
    std::lock_guard lock(mutex_);
    aborted_ = true;
  }
  space_.notify_all();
}

size_t ChainJoin::parents_waiting() const {
  std::lock_guard lock(mutex_);
  size_t n = 0;
  for (const auto& q : lanes_) n += q.size();
  return n;
}

}  // namespace fovea::pipeline
