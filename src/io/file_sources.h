// Finite sources: a folder of images (sorted by name, image files only) and a video file. Both
// may loop and may be paced to a frame rate (0: as fast as the pipeline takes them, which with the
// default `block` queue policy means no frame is ever dropped). A file that cannot be decoded
// becomes a decode_error for that one frame; the source goes on with the next.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "pipeline/frame_source.h"
#include "vision/image_format.h"

namespace fovea::io {

class VideoFileReader;

struct FileSourceOptions {
  std::string name;
  std::string path;         // folder or video file
  std::string frame_id;     // default: name
  double fps = 0;           // 0: unpaced
  bool loop = false;
  vision::PixelEncoding encoding = vision::PixelEncoding::kRgb8;  // rgb8 or bgr8
};

// Paces a finite source to `fps` (no-op for fps <= 0) and lets request_stop() interrupt the wait.
class FramePacer {
 public:
  explicit FramePacer(double fps) : fps_(fps) {}
  bool wait();  // false when stopped
  void stop();

 private:
  double fps_;
  pipeline::SteadyClock::time_point start_;
  int64_t index_ = 0;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopped_ = false;
};

class ImageFolderSource : public pipeline::FrameSource {
 public:
  // Lists the folder now: an error if it is missing or holds no image files.
  static Result<std::unique_ptr<ImageFolderSource>> create(const FileSourceOptions& options);

  const std::string& name() const override { return options_.name; }
  Result<std::optional<pipeline::SourceFrame>> next() override;
  int64_t frame_count() const override { return options_.loop ? -1 : static_cast<int64_t>(files_.size()); }
  bool live() const override { return false; }
  void request_stop() override { pacer_.stop(); }
  size_t frame_bytes() const override { return frame_bytes_; }
  const std::vector<std::string>& files() const { return files_; }

 private:
  explicit ImageFolderSource(const FileSourceOptions& options) : options_(options), pacer_(options.fps) {}
  FileSourceOptions options_;
  std::vector<std::string> files_;
  size_t index_ = 0;
  size_t frame_bytes_ = 0;
  FramePacer pacer_;
};

class VideoFileSource : public pipeline::FrameSource {
 public:
  // Opens the video now (error without OpenCV videoio, or when it cannot be opened).
  static Result<std::unique_ptr<VideoFileSource>> create(const FileSourceOptions& options);
  ~VideoFileSource() override;

  const std::string& name() const override { return options_.name; }
  Result<std::optional<pipeline::SourceFrame>> next() override;
  int64_t frame_count() const override { return options_.loop ? -1 : frame_count_; }
  bool live() const override { return false; }
  void request_stop() override { pacer_.stop(); }
  size_t frame_bytes() const override { return frame_bytes_; }

 private:
  explicit VideoFileSource(const FileSourceOptions& options);
  FileSourceOptions options_;
  std::unique_ptr<VideoFileReader> reader_;
  int64_t frame_count_ = -1;
  size_t frame_bytes_ = 0;
  FramePacer pacer_;
};

}  // namespace fovea::io
