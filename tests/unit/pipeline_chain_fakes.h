// Test doubles for chained models (detector -> classifier on crops): a source of numbered frames
// large enough to hold boxes, a detector whose detections are a function of the frame, a
// classifier whose "class" encodes the crop it was given (class_id = roi.x, score = roi.width /
// 1000) so a test can tell which crop a joined class came from, and a sink that keeps every item.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/frame_source.h"
#include "pipeline/vision_model.h"

namespace fovea::pipeline::testing {

// `count` frames of width x height rgb8 (pixel value = index % 256), one every `interval`.
class SceneSource : public FrameSource {
 public:
  SceneSource(std::string name, int64_t count, std::chrono::microseconds interval, int width = 200, int height = 100)
      : name_(std::move(name)), count_(count), interval_(interval), width_(width), height_(height) {}
  const std::string& name() const override { return name_; }
  Result<std::optional<SourceFrame>> next() override {
    if (stop_ || (count_ >= 0 && produced_ >= count_)) return std::optional<SourceFrame>();
    if (interval_.count() > 0) std::this_thread::sleep_for(interval_);
    const int64_t index = produced_++;
    const size_t step = static_cast<size_t>(width_) * 3;
    auto pixels = std::make_shared<std::vector<uint8_t>>(step * height_, static_cast<uint8_t>(index));
    SourceFrame f;
    f.frame.image = vision::ImageView{pixels->data(), pixels->size(), width_, height_, step, vision::PixelEncoding::kRgb8};
    f.frame.header.frame_id = name_;
    f.frame.header.stamp_ns = index;
    f.pixels = pixels;
    return std::optional<SourceFrame>(std::move(f));
  }
  int64_t frame_count() const override { return count_; }
  bool live() const override { return false; }
  void request_stop() override { stop_ = true; }
  size_t frame_bytes() const override { return static_cast<size_t>(width_) * height_ * 3; }

 private:
  std::string name_;
  int64_t count_;
  std::chrono::microseconds interval_;
  int width_, height_;
  std::atomic<bool> stop_{false};
  int64_t produced_ = 0;
};

// Detections of one frame as a function of (source, sequence), in original-image pixels.
using DetectionsOf = std::function<std::vector<vision::Detection>(const std::string& source, int64_t sequence)>;

class FakeDetector : public VisionModel {
 public:
  FakeDetector(int max_batch_size, std::chrono::microseconds per_batch, DetectionsOf detections,
               std::vector<std::string> labels = {})
      : per_batch_(per_batch), detections_(std::move(detections)), labels_(std::move(labels)) {
    config_.max_batch_size = max_batch_size;
    config_.model_path = "fake_detector.onnx";
    config_.decoder = DecoderKind::kYolov8;
  }
  Result<std::vector<FrameResult>> run(std::span<const Frame> frames, StageTimes* times) override {
    std::this_thread::sleep_for(per_batch_);
    std::vector<FrameResult> results;
    for (const Frame& f : frames) {
      FrameResult r;
      r.header = f.header;
      r.source = f.source;
      r.sequence = f.sequence;
      r.image_width = f.image.width;
      r.image_height = f.image.height;
      r.detections = detections_(f.source, f.sequence);
      results.push_back(std::move(r));
    }
    if (times) times->infer_ms = std::chrono::duration<double, std::milli>(per_batch_).count();
    return results;
  }
  const VisionModelConfig& config() const override { return config_; }
  const std::vector<std::string>& labels() const override { return labels_; }
  std::string description() const override { return "fake detector"; }

 private:
  VisionModelConfig config_;
  std::chrono::microseconds per_batch_;
  DetectionsOf detections_;
  std::vector<std::string> labels_;
};

class FakeClassifier : public VisionModel {
 public:
  struct Crop {
    std::string source;
    int64_t sequence = 0;
    vision::CropRoi roi;
  };
  struct Log {
    std::mutex mutex;
    std::vector<int> batch_sizes;
    std::vector<Crop> crops;  // in run order
  };
  // A crop whose roi.x is in `fail_x` fails its batch (the runtime then retries frame by frame).
  FakeClassifier(int max_batch_size, std::chrono::microseconds per_batch, std::shared_ptr<Log> log = nullptr,
                 std::set<int> fail_x = {})
      : per_batch_(per_batch), log_(log ? std::move(log) : std::make_shared<Log>()), fail_x_(std::move(fail_x)) {
    config_.max_batch_size = max_batch_size;
    config_.model_path = "fake_classifier.onnx";
    config_.decoder = DecoderKind::kClassification;
  }
  Result<std::vector<FrameResult>> run(std::span<const Frame> frames, StageTimes* times) override {
    for (const Frame& f : frames) {
      if (!f.roi) return invalid_argument("{}: fake classifier got a frame without roi", f.source);
      if (fail_x_.count(f.roi->x)) return invalid_argument("{}: fake failure for the crop at x {}", f.source, f.roi->x);
    }
    std::this_thread::sleep_for(per_batch_);
    std::vector<FrameResult> results;
    {
      std::lock_guard lock(log_->mutex);
      log_->batch_sizes.push_back(static_cast<int>(frames.size()));
      for (const Frame& f : frames) log_->crops.push_back({f.source, f.sequence, *f.roi});
    }
    for (const Frame& f : frames) {
      FrameResult r;
      r.source = f.source;
      r.sequence = f.sequence;
      r.image_width = f.image.width;
      r.image_height = f.image.height;
      r.roi = f.roi;
      r.classes.push_back({f.roi->x, static_cast<float>(f.roi->width) / 1000.0f});
      results.push_back(std::move(r));
    }
    if (times) times->infer_ms = std::chrono::duration<double, std::milli>(per_batch_).count();
    return results;
  }
  const VisionModelConfig& config() const override { return config_; }
  const std::vector<std::string>& labels() const override { return labels_; }
  std::string description() const override { return "fake classifier"; }
  const std::shared_ptr<Log>& log() const { return log_; }

 private:
  VisionModelConfig config_;
  std::chrono::microseconds per_batch_;
  std::shared_ptr<Log> log_;
  std::set<int> fail_x_;
  std::vector<std::string> labels_{"cls"};
};

// Keeps a copy of every item it is given.
class KeepingSink : public FrameSink {
 public:
  struct Item {
    std::string model, stream, crops_from;
    FrameResult result;
    bool chained = false;
    int64_t pixel = -1;  // first pixel of the frame (the source's frame index % 256)
  };
  explicit KeepingSink(std::string name) : name_(std::move(name)) {}
  const std::string& name() const override { return name_; }
  Status write(const SinkItem& item) override {
    std::lock_guard lock(mutex_);
    items_.push_back({item.model, item.stream, item.crops_from, item.result, item.detection_class_labels != nullptr,
                      item.frame ? item.frame->frame.image.data[0] : -1});
    return Status::ok();
  }
  std::vector<Item> items() const {
    std::lock_guard lock(mutex_);
    return items_;
  }
  std::vector<Item> items_of(const std::string& model, const std::string& stream) const {
    std::vector<Item> out;
    for (Item& i : items())
      if (i.model == model && i.stream == stream) out.push_back(std::move(i));
    return out;
  }

 private:
  std::string name_;
  mutable std::mutex mutex_;
  std::vector<Item> items_;
};

}  // namespace fovea::pipeline::testing
