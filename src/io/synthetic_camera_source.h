// A synthetic camera for load tests without data: frames of a fixed size at a fixed rate with a
// few shapes moving over a gradient background (drawn with OpenCV), real timestamps
// (header.stamp_ns: system clock at capture) and frame_id. Each stream has its own motion (seeded
// by its index), so several cameras are distinguishable.
//
// Cost stays low at 1920x1080 x many cameras: frame buffers come from a pool and go back to it
// when the pipeline releases them (page-locked once each when a GPU model reads the camera, as a
// camera driver's DMA buffers would be), and a recycled buffer only has the regions the shapes were
// drawn in restored from the (shared) background before the new shapes are drawn.
//
// Pacing: frame n is due at start + n / fps. A camera that falls more than a frame behind (its
// consumer blocked it) starts over from now rather than bursting, as a real sensor would simply
// not have delivered the missed frames.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "pipeline/frame_source.h"
#include "vision/image_format.h"

namespace fovea::io {

struct SyntheticCameraOptions {
  std::string name = "camera";
  std::string frame_id;  // default: name
  int width = 1920;
  int height = 1080;
  double fps = 30;
  vision::PixelEncoding encoding = vision::PixelEncoding::kRgb8;  // rgb8 or bgr8
  int64_t max_frames = 0;  // 0: endless
  int stream_index = 0;    // seeds the motion
  bool paced = true;       // false: frames as fast as they are taken (tests)
};

class SyntheticCameraSource : public pipeline::FrameSource {
 public:
  static Result<std::unique_ptr<SyntheticCameraSource>> create(const SyntheticCameraOptions& options);
  ~SyntheticCameraSource() override;

  const std::string& name() const override { return options_.name; }
  Result<std::optional<pipeline::SourceFrame>> next() override;
  int64_t frame_count() const override { return options_.max_frames > 0 ? options_.max_frames : -1; }
  bool live() const override { return true; }
  void request_stop() override;
  size_t frame_bytes() const override { return frame_bytes_; }
  bool use_page_locked_memory(std::shared_ptr<pipeline::HostMemoryLocker> locker) override;

 private:
  struct Pool;
  explicit SyntheticCameraSource(const SyntheticCameraOptions& options);
  bool wait_until_due();

  SyntheticCameraOptions options_;
  size_t frame_bytes_ = 0;
  std::shared_ptr<Pool> pool_;
  int64_t produced_ = 0;
  pipeline::SteadyClock::time_point schedule_start_;
  int64_t schedule_index_ = 0;
  std::mutex stop_mutex_;
  std::condition_variable stop_cv_;
  bool stop_ = false;
};

}  // namespace fovea::io
