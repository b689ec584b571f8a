// The join of a chained model (detector -> classifier on the detected crops): every upstream
// result that reaches the chained model becomes a *parent*, registered in its lane (one per
// source) in the upstream's per-source order; its selected detections become crop frames (the
// parent's pixels, shared, with `roi` set) that go through the chained model's batcher like any
// frame. As crops finish — classified, failed or dropped, in any order — the join fills the
// parent's per-detection classes; a parent whose crops have all finished leaves its lane in
// registration order (the head of the lane first), so the chained model's results keep each
// source's order whatever order the crop batches finish in.
//
// Outcome of a parent (what the accounting counts for its lane):
//   - processed: every crop classified or failed (a failed crop leaves its detection with no
//     classes; the runtime counts it as a model_error crop); a parent with no crops is processed
//     at once, still in order behind earlier parents;
//   - dropped with the reason of its first dropped crop (shutdown, deadline): its result would be
//     incomplete, so it is not delivered.
// A lane holds at most `parent_capacity` parents; add_parent blocks the upstream's delivery while
// it is full (the chained lanes are `block` lanes: the upstream already applied the source's
// backpressure), which bounds the frames the join keeps alive.
//
// Threads: add_parent runs on the upstream's delivery thread; crop_* on the chained model's
// completion threads or the aborting thread. The deliver/drop callbacks run under the join's lock
// (that is what keeps a lane's order); they may block (a full sink queue), never call back into
// the join.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "pipeline/frame_accounting.h"
#include "pipeline/frame_source.h"
#include "pipeline/vision_model.h"

namespace fovea::pipeline {

struct ChainParent {
  size_t lane = 0;
  FramePtr frame;      // the upstream's frame (pixels for annotated outputs; entered = e2e start)
  FrameResult result;  // the upstream's header and cropped detections; detection_classes aligned
  size_t pending = 0;  // crops not finished yet
  std::optional<DropReason> dropped;
  StageTimes times;    // of the chained model's last batch that ran one of its crops
  int batch_size = 0;  // that batch's size (0: no crop ran)
};

// A crop as it travels through the chained model's batcher: an ordinary PipelineFrame (same
// pixels, roi = the padded box, the parent's sequence and entry time) that knows its parent.
struct ChainCropFrame : PipelineFrame {
  std::shared_ptr<ChainParent> parent;
  size_t index = 0;  // into parent->result.detections
};

class ChainJoin {
 public:
  using Deliver = std::function<void(size_t lane, ChainParent& parent)>;
  using Drop = std::function<void(size_t lane, DropReason reason)>;

  ChainJoin(size_t lanes, size_t parent_capacity, Deliver deliver, Drop drop);

  // Registers a parent whose `crops` crop frames follow (result.detections holds exactly the
  // cropped detections). Blocks while the lane is full; nullptr once aborted (the caller counts the
  // parent as a shutdown drop). With crops == 0 the parent is delivered (in order) right here.
  std::shared_ptr<ChainParent> add_parent(size_t lane, FramePtr frame, FrameResult result, size_t crops);

  // The crop frame of detection `index` of `parent`, reading `roi` of the parent's image.
  static FramePtr make_crop_frame(const std::shared_ptr<ChainParent>& parent, size_t index, const vision::CropRoi& roi);
  // The crop behind a frame of a chained model's batcher (every frame there is one).
  static const ChainCropFrame& crop_of(const PipelineFrame& frame) { return static_cast<const ChainCropFrame&>(frame); }

  // Crop outcomes; each crop must get exactly one.
  void crop_classified(const ChainCropFrame& crop, std::vector<vision::ClassScore> classes, const StageTimes& times,
                       int batch_size);
  void crop_failed(const ChainCropFrame& crop);  // the detection stays unclassified
  void crop_dropped(const ChainCropFrame& crop, DropReason reason);  // the parent is dropped

  // Wakes add_parent callers blocked on a full lane; later add_parent calls return nullptr.
  // Parents already registered still finish as their crops do.
  void abort();

  size_t parent_capacity() const { return capacity_; }
  size_t parents_waiting() const;  // registered, not yet delivered or dropped (0 after a drained run)

 private:
  void finish_one(ChainParent& parent);  // with mutex_ held
  void flush(size_t lane);               // with mutex_ held

  const size_t capacity_;
  Deliver deliver_;
  Drop drop_;
  mutable std::mutex mutex_;
  std::condition_variable space_;
  std::vector<std::deque<std::shared_ptr<ChainParent>>> lanes_;
  bool aborted_ = false;
};

}  // namespace fovea::pipeline
