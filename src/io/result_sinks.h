// Where pipeline results go: JSON lines (one object per result), annotated images (one PNG/JPEG
// per result), annotated videos (one file per model and stream), or nowhere (null, for load
// tests). Each sink is written from its own pipeline thread, in order per (model, stream).
#pragma once

#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "pipeline/frame_source.h"

namespace fovea::io {

class VideoFileWriter;

// One JSON object per line: the fields of frame_result_to_json (detection_json.h) plus "model",
// "stream", "batch_size" and "end_to_end_ms". A chained model's line (detector -> classifier on
// crops) has the upstream detector's cropped detections, each with "classes": [{"class_id",
// "label", "score"}] from the chained classifier (empty when its crop failed), and "crops_from".
class JsonLinesSink : public pipeline::FrameSink {
 public:
  static Result<std::unique_ptr<JsonLinesSink>> create(const std::string& name, const std::string& path);
  const std::string& name() const override { return name_; }
  Status write(const pipeline::SinkItem& item) override;
  Status close() override;

 private:
  JsonLinesSink() = default;
  std::string name_, path_;
  std::ofstream out_;
};

// <folder>/<model>/<stream>_<sequence>.<jpg|png> (plus the source file's stem for image folders),
// the frame with its results drawn (draw_results.h); a chained model's top class per box too.
class AnnotatedImageSink : public pipeline::FrameSink {
 public:
  static Result<std::unique_ptr<AnnotatedImageSink>> create(const std::string& name, const std::string& folder,
                                                            const std::string& format);
  const std::string& name() const override { return name_; }
  Status write(const pipeline::SinkItem& item) override;

 private:
  AnnotatedImageSink() = default;
  std::string name_, folder_, extension_;
};

// <folder>/<model>_<stream>.mp4 at `fps`, one writer per (model, stream), opened at its first frame.
class AnnotatedVideoSink : public pipeline::FrameSink {
 public:
  static Result<std::unique_ptr<AnnotatedVideoSink>> create(const std::string& name, const std::string& folder, double fps);
  ~AnnotatedVideoSink() override;
  const std::string& name() const override { return name_; }
  Status write(const pipeline::SinkItem& item) override;
  Status close() override;

 private:
  AnnotatedVideoSink() = default;
  std::string name_, folder_;
  double fps_ = 30;
  std::map<std::string, std::unique_ptr<VideoFileWriter>> writers_;
};

class NullSink : public pipeline::FrameSink {
 public:
  explicit NullSink(std::string name) : name_(std::move(name)) {}
  const std::string& name() const override { return name_; }
  Status write(const pipeline::SinkItem&) override { return Status::ok(); }

 private:
  std::string name_;
};

// The frame of `item` as a packed rgb8 buffer with the item's results drawn on it.
Result<std::vector<uint8_t>> render_annotated_rgb(const pipeline::SinkItem& item);

// A string usable in a file name: anything but [A-Za-z0-9._-] becomes '_'.
std::string file_name_safe(const std::string& s);

}  // namespace fovea::io
