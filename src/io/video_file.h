// Frames of a video file through OpenCV's VideoCapture (FFmpeg/GStreamer underneath). Built only
// with OpenCV videoio (FOVEA_HAVE_OPENCV_VIDEOIO); without it, open() fails with "built without
// video support" so callers need no #ifdefs.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "vision/image_format.h"

namespace fovea::io {

// True for the file names treated as videos (by extension, case-insensitive): .mp4 .avi .mkv .mov
// .webm .m4v .mpg .mpeg.
bool is_video_file_name(const std::string& path);
// Whether this build can read video files.
bool video_support_available();

class VideoFileReader {
 public:
  static Result<std::unique_ptr<VideoFileReader>> open(const std::string& path);
  ~VideoFileReader();
  VideoFileReader(const VideoFileReader&) = delete;
  VideoFileReader& operator=(const VideoFileReader&) = delete;

  // The next frame as bgr8 (valid until the next call), or nullopt at the end of the video.
  Result<std::optional<vision::ImageView>> next_frame();
  int64_t frames_read() const { return frames_read_; }
  double fps() const { return fps_; }                 // 0 when the container does not say
  int64_t frame_count() const { return frame_count_; }  // estimate from the container; -1 if unknown
  // Presentation time of the last frame read, in nanoseconds since the start of the video.
  int64_t last_stamp_ns() const { return last_stamp_ns_; }
  const std::string& path() const { return path_; }

 private:
  VideoFileReader() = default;
  struct Capture;
  std::unique_ptr<Capture> capture_;
  std::string path_;
  int64_t frames_read_ = 0;
  double fps_ = 0;
  int64_t frame_count_ = -1;
  int64_t last_stamp_ns_ = 0;
};

// Writes frames to a video file (OpenCV VideoWriter: MPEG-4 Part 2 for .mp4/.m4v/.mov, Motion JPEG
// for .avi/.mkv). Every frame must have the size given to open(); rgb8 and bgr8 are accepted.
class VideoFileWriter {
 public:
  static Result<std::unique_ptr<VideoFileWriter>> open(const std::string& path, int width, int height, double fps);
  ~VideoFileWriter();
  VideoFileWriter(const VideoFileWriter&) = delete;
  VideoFileWriter& operator=(const VideoFileWriter&) = delete;

  Status write(const vision::ImageView& frame);
  // Finishes the file (also done by the destructor).
  void close();

 private:
  VideoFileWriter() = default;
  struct Writer;
  std::unique_ptr<Writer> writer_;
  std::string path_;
  int width_ = 0;
  int height_ = 0;
};

}  // namespace fovea::io
