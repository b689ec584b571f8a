// Test doubles for the pipeline: a VisionModel that sleeps a set time per batch and records what
// it was given, a source of tiny numbered frames, and a sink that records (and can slow down).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "pipeline/frame_source.h"
#include "pipeline/vision_model.h"

namespace fovea::pipeline::testing {

class FakeVisionModel : public VisionModel {
 public:
  struct Log {
    std::mutex mutex;
    std::vector<int> batch_sizes;
    std::vector<std::pair<std::string, int64_t>> frames;  // (source, sequence) in run order
  };
  FakeVisionModel(int max_batch_size, std::chrono::microseconds per_batch, std::shared_ptr<Log> log = nullptr,
                  std::set<int64_t> fail_sequences = {})
      : per_batch_(per_batch), log_(log ? log : std::make_shared<Log>()), fail_(std::move(fail_sequences)) {
    config_.max_batch_size = max_batch_size;
    config_.model_path = "fake.onnx";
  }
  Result<std::vector<FrameResult>> run(std::span<const Frame> frames, StageTimes* times) override {
    if (frames.empty() || static_cast<int>(frames.size()) > config_.max_batch_size)
      return invalid_argument("fake: batch of {} frames", frames.size());
    for (const Frame& f : frames)
      if (fail_.count(f.sequence)) return invalid_argument("{}: fake failure for frame {}", f.source, f.sequence);
    std::this_thread::sleep_for(per_batch_);
    std::vector<FrameResult> results;
    {
      std::lock_guard lock(log_->mutex);
      log_->batch_sizes.push_back(static_cast<int>(frames.size()));
      for (const Frame& f : frames) log_->frames.emplace_back(f.source, f.sequence);
    }
    for (const Frame& f : frames) {
      FrameResult r;
      r.header = f.header;
      r.source = f.source;
      r.sequence = f.sequence;
      r.image_width = f.image.width;
      r.image_height = f.image.height;
      vision::Detection d;
      d.x2 = static_cast<float>(f.image.width);
      d.y2 = static_cast<float>(f.image.height);
      d.score = 0.5f;
      r.detections.push_back(d);
      results.push_back(std::move(r));
    }
    if (times) times->infer_ms = std::chrono::duration<double, std::milli>(per_batch_).count();
    return results;
  }
  const VisionModelConfig& config() const override { return config_; }
  const std::vector<std::string>& labels() const override { return labels_; }
  std::string description() const override { return "fake model"; }
  const std::shared_ptr<Log>& log() const { return log_; }

 private:
  VisionModelConfig config_;
  std::chrono::microseconds per_batch_;
  std::shared_ptr<Log> log_;
  std::set<int64_t> fail_;
  std::vector<std::string> labels_;
};

// `count` frames of 8x6 rgb8 (pixel value = sequence), one every `interval` (0: as fast as taken).
// Indices in `bad` come out as errors (decode_error).
class CountingSource : public FrameSource {
 public:
  CountingSource(std::string name, int64_t count, std::chrono::microseconds interval, bool live, std::set<int64_t> bad = {})
      : name_(std::move(name)), count_(count), interval_(interval), live_(live), bad_(std::move(bad)) {}
  const std::string& name() const override { return name_; }
  Result<std::optional<SourceFrame>> next() override {
    if (stop_ || produced_ >= count_) return std::optional<SourceFrame>();
    if (interval_.count() > 0) std::this_thread::sleep_for(interval_);
    const int64_t index = produced_++;
    if (bad_.count(index)) return invalid_argument("{}: frame {} is corrupt", name_, index);
    auto pixels = std::make_shared<std::vector<uint8_t>>(8 * 6 * 3, static_cast<uint8_t>(index));
    SourceFrame f;
    f.frame.image = vision::ImageView{pixels->data(), pixels->size(), 8, 6, 24, vision::PixelEncoding::kRgb8};
    f.frame.header.frame_id = name_;
    f.frame.header.stamp_ns = index;
    f.pixels = pixels;
    return std::optional<SourceFrame>(std::move(f));
  }
  int64_t frame_count() const override { return count_; }
  bool live() const override { return live_; }
  void request_stop() override { stop_ = true; }
  size_t frame_bytes() const override { return 8 * 6 * 3; }

 private:
  std::string name_;
  int64_t count_;
  std::chrono::microseconds interval_;
  bool live_;
  std::set<int64_t> bad_;
  std::atomic<bool> stop_{false};
  int64_t produced_ = 0;
};

class RecordingSink : public FrameSink {
 public:
  struct Record {
    std::string model, stream;
    int64_t sequence;
    int64_t pixel;  // first pixel value of the frame (the source's index)
  };
  explicit RecordingSink(std::string name, std::chrono::microseconds per_write = {})
      : name_(std::move(name)), per_write_(per_write) {}
  const std::string& name() const override { return name_; }
  Status write(const SinkItem& item) override {
    if (per_write_.count() > 0) std::this_thread::sleep_for(per_write_);
    std::lock_guard lock(mutex_);
    records_.push_back({item.model, item.stream, item.result.sequence, item.frame->frame.image.data[0]});
    return Status::ok();
  }
  Status close() override {
    closed_ = true;
    return Status::ok();
  }
  std::vector<Record> records() const {
    std::lock_guard lock(mutex_);
    return records_;
  }
  bool closed() const { return closed_; }

 private:
  std::string name_;
  std::chrono::microseconds per_write_;
  mutable std::mutex mutex_;
  std::vector<Record> records_;
  std::atomic<bool> closed_{false};
};

}  // namespace fovea::pipeline::testing
