// What flows through the pipeline, and the two ends it talks to: FrameSource (cameras, files;
// implementations in src/io/) and FrameSink (JSON lines, annotated images, video, ROS 2 later).
//
// A PipelineFrame owns its pixels through a shared pointer, so one decoded frame can go to several
// models and sinks without a copy, and a source can recycle its buffers (a pool whose deleter
// returns the buffer) once every stage has let go. The frame is immutable once it enters.
//
// Frames stay in host memory here; a GPU model's own stages upload them (pipeline/cuda/
// gpu_batch_stages.h), straight from the source's buffers when the source page-locked them.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "pipeline/host_memory_locker.h"
#include "pipeline/vision_model.h"

namespace fovea::pipeline {

using SteadyClock = std::chrono::steady_clock;

// A frame as a source hands it over: Frame.image.data points into memory `pixels` keeps alive.
struct SourceFrame {
  Frame frame;
  std::shared_ptr<const void> pixels;
};

struct PipelineFrame {
  Frame frame;  // sequence: 0, 1, 2, ... per source, assigned by the pipeline
  std::shared_ptr<const void> pixels;
  size_t source_index = 0;
  SteadyClock::time_point entered;  // when the source handed it over: the end-to-end clock starts here
};
using FramePtr = std::shared_ptr<const PipelineFrame>;

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  virtual const std::string& name() const = 0;
  // The next frame; blocks as long as the source needs (a live camera paces itself to its frame
  // rate). nullopt: the source has ended. An error: this one frame could not be produced (it is
  // counted as a decode_error drop naming the source) and the source goes on with the next.
  virtual Result<std::optional<SourceFrame>> next() = 0;
  // Total frames for a finite source (image folder, video file), -1 if unknown or endless.
  virtual int64_t frame_count() const { return -1; }
  // True for live sources (cameras): the default queue policy for them is keep_latest.
  virtual bool live() const = 0;
  // Asks a blocked next() to return soon (nullopt) at shutdown; called from another thread.
  virtual void request_stop() {}
  // Bytes of one frame, for the memory bound reported at start (0 if unknown).
  virtual size_t frame_bytes() const { return 0; }
  // Called before the start when the source feeds a GPU model: a source that owns its frame
  // buffers may page-lock them with `locker`. True when every frame it produces will be
  // page-locked (the GPU stages then need no pinned staging for it).
  virtual bool use_page_locked_memory(std::shared_ptr<HostMemoryLocker> locker) {
    (void)locker;
    return false;
  }
};

// One result on its way to the sinks.
struct SinkItem {
  std::string model;                  // the model's name in the config
  std::string stream;                 // the source's name in the pipeline (e.g. "cam_3")
  const std::vector<std::string>* labels = nullptr;  // that model's labels (may be empty)
  FrameResult result;
  FramePtr frame;                     // the frame it came from (pixels for annotated outputs)
  StageTimes times;                   // of the run() call that produced it
  int batch_size = 1;
  double end_to_end_ms = 0;           // frame entered -> result delivered
  // A chained model's item (detector -> classifier on crops): `labels` are then the upstream
  // detector's (for result.detections) and these the chained model's (for
  // result.detection_classes); `crops_from` names the upstream model. Null / empty otherwise.
  const std::vector<std::string>* detection_class_labels = nullptr;
  std::string crops_from;
};

class FrameSink {
 public:
  virtual ~FrameSink() = default;
  virtual const std::string& name() const = 0;
  // Called from the sink's own thread, in order per (model, source). An error is counted and
  // logged (rate-limited); the pipeline goes on.
  virtual Status write(const SinkItem& item) = 0;
  // After the last item (flush files, finish videos).
  virtual Status close() { return Status::ok(); }
};

}  // namespace fovea::pipeline
