#include "io/video_file.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>

#ifdef FOVEA_HAVE_OPENCV_VIDEOIO
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#endif

namespace fovea::io {

bool is_video_file_name(const std::string& path) {
  static const char* const kExtensions[] = {".mp4", ".avi", ".mkv", ".mov", ".webm", ".m4v", ".mpg", ".mpeg"};
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return std::any_of(std::begin(kExtensions), std::end(kExtensions), [&](const char* e) { return ext == e; });
}

#ifdef FOVEA_HAVE_OPENCV_VIDEOIO

struct VideoFileReader::Capture {
  cv::VideoCapture capture;
  cv::Mat frame;
};

bool video_support_available() { return true; }

VideoFileReader::~VideoFileReader() = default;

Result<std::unique_ptr<VideoFileReader>> VideoFileReader::open(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return not_found("{}: no such file", path);
  if (std::filesystem::file_size(path, ec) == 0) return invalid_argument("{}: empty file (0 bytes), not a video", path);
  std::unique_ptr<VideoFileReader> reader(new VideoFileReader());
  reader->path_ = path;
  reader->capture_ = std::make_unique<Capture>();
  try {
    if (!reader->capture_->capture.open(path, cv::CAP_ANY))
      return invalid_argument("{}: cannot open as a video (unsupported container or codec, or corrupt)", path);
    reader->fps_ = reader->capture_->capture.get(cv::CAP_PROP_FPS);
    const double count = reader->capture_->capture.get(cv::CAP_PROP_FRAME_COUNT);
    reader->frame_count_ = count > 0 && std::isfinite(count) ? static_cast<int64_t>(count) : -1;
  } catch (const cv::Exception& e) {
    return invalid_argument("{}: cannot open as a video ({})", path, e.what());
  }
  if (!(reader->fps_ > 0) || !std::isfinite(reader->fps_)) reader->fps_ = 0;
  return reader;
}

Result<std::optional<vision::ImageView>> VideoFileReader::next_frame() {
  cv::Mat& frame = capture_->frame;
  try {
    if (!capture_->capture.read(frame) || frame.empty()) return std::optional<vision::ImageView>();
  } catch (const cv::Exception& e) {
    return invalid_argument("{}: frame {}: decoding failed ({})", path_, frames_read_, e.what());
  }
  if (frame.type() != CV_8UC3)
    return unsupported("{}: frame {}: OpenCV type {} (8-bit BGR expected)", path_, frames_read_, frame.type());
  if (!frame.isContinuous()) frame = frame.clone();
  const double pos_ms = capture_->capture.get(cv::CAP_PROP_POS_MSEC);
  last_stamp_ns_ = std::isfinite(pos_ms) && pos_ms >= 0 ? static_cast<int64_t>(pos_ms * 1e6)
                   : fps_ > 0 ? static_cast<int64_t>(frames_read_ * 1e9 / fps_) : 0;
  ++frames_read_;
  vision::ImageView v;
  v.data = frame.data;
  v.width = frame.cols;
  v.height = frame.rows;
  v.step = frame.step[0];
  v.size_bytes = v.step * static_cast<size_t>(frame.rows);
  v.encoding = vision::PixelEncoding::kBgr8;
  return std::optional<vision::ImageView>(v);
}

struct VideoFileWriter::Writer {
  cv::VideoWriter writer;
  cv::Mat bgr;
};

VideoFileWriter::~VideoFileWriter() { close(); }

void VideoFileWriter::close() {
  if (writer_) writer_->writer.release();
}

Result<std::unique_ptr<VideoFileWriter>> VideoFileWriter::open(const std::string& path, int width, int height,
                                                               double fps) {
  if (width <= 0 || height <= 0) return invalid_argument("{}: cannot write a {}x{} video", path, width, height);
  if (!(fps > 0) || !std::isfinite(fps)) fps = 30.0;
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  const int fourcc = (ext == ".avi" || ext == ".mkv") ? cv::VideoWriter::fourcc('M', 'J', 'P', 'G')
                                                      : cv::VideoWriter::fourcc('m', 'p', '4', 'v');
  std::unique_ptr<VideoFileWriter> w(new VideoFileWriter());
  w->writer_ = std::make_unique<Writer>();
  w->path_ = path;
  w->width_ = width;
  w->height_ = height;
  try {
    if (!w->writer_->writer.open(path, fourcc, fps, cv::Size(width, height), true))
      return io_error("{}: cannot open a video writer (no encoder for this container?)", path);
  } catch (const cv::Exception& e) {
    return io_error("{}: cannot open a video writer ({})", path, e.what());
  }
  return w;
}

Status VideoFileWriter::write(const vision::ImageView& frame) {
  FOVEA_RETURN_IF_ERROR(vision::validate_image_view(frame));
  if (frame.width != width_ || frame.height != height_)
    return invalid_argument("{}: frame {}x{} differs from the video's {}x{}", path_, frame.width, frame.height, width_,
                            height_);
  if (frame.encoding != vision::PixelEncoding::kBgr8 && frame.encoding != vision::PixelEncoding::kRgb8)
    return unsupported("{}: frames must be rgb8 or bgr8, not {}", path_, vision::encoding_name(frame.encoding));
  const cv::Mat view(frame.height, frame.width, CV_8UC3, const_cast<uint8_t*>(frame.data), frame.step);
  try {
    if (frame.encoding == vision::PixelEncoding::kRgb8) {
      cv::cvtColor(view, writer_->bgr, cv::COLOR_RGB2BGR);
      writer_->writer.write(writer_->bgr);
    } else {
      writer_->writer.write(view);
    }
  } catch (const cv::Exception& e) {
    return io_error("{}: writing a frame failed ({})", path_, e.what());
  }
  return Status::ok();
}

#else

struct VideoFileReader::Capture {};
struct VideoFileWriter::Writer {};

VideoFileWriter::~VideoFileWriter() = default;
void VideoFileWriter::close() {}

Result<std::unique_ptr<VideoFileWriter>> VideoFileWriter::open(const std::string& path, int, int, double) {
  return unsupported("{}: this fovea was built without video support (OpenCV videoio not found)", path);
}

Status VideoFileWriter::write(const vision::ImageView&) {
  return unsupported("{}: this fovea was built without video support", path_);
}

bool video_support_available() { return false; }

VideoFileReader::~VideoFileReader() = default;

Result<std::unique_ptr<VideoFileReader>> VideoFileReader::open(const std::string& path) {
  return unsupported("{}: this fovea was built without video support (OpenCV videoio not found)", path);
}

Result<std::optional<vision::ImageView>> VideoFileReader::next_frame() {
  return unsupported("{}: this fovea was built without video support", path_);
}

#endif

}  // namespace fovea::io
