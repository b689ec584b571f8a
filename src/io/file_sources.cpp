#include "io/file_sources.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include <stb/stb_image.h>

#include "io/image_file.h"
#include "io/video_file.h"

namespace fovea::io {
namespace {

namespace fs = std::filesystem;

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

bool FramePacer::wait() {
  std::unique_lock lock(mutex_);
  if (stopped_) return false;
  if (fps_ <= 0) return true;
  const auto now = pipeline::SteadyClock::now();
  if (index_ == 0) start_ = now;
  const auto period = std::chrono::duration_cast<pipeline::SteadyClock::duration>(std::chrono::duration<double>(1.0 / fps_));
  const auto due = start_ + index_ * period;
  ++index_;
  cv_.wait_until(lock, due, [&] { return stopped_; });
  return !stopped_;
}

void FramePacer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  cv_.notify_all();
}

Result<std::unique_ptr<ImageFolderSource>> ImageFolderSource::create(const FileSourceOptions& options) {
  std::error_code ec;
  if (!fs::is_directory(options.path, ec)) return not_found("source '{}': {}: no such folder", options.name, options.path);
  std::unique_ptr<ImageFolderSource> s(new ImageFolderSource(options));
  if (s->options_.frame_id.empty()) s->options_.frame_id = options.name;
  for (const fs::directory_entry& e : fs::directory_iterator(options.path, ec))
    if (e.is_regular_file(ec) && is_image_file_name(e.path().string())) s->files_.push_back(e.path().string());
  if (ec) return io_error("source '{}': {}: cannot list: {}", options.name, options.path, ec.message());
  if (s->files_.empty()) return not_found("source '{}': {}: no image files (.jpg, .png, ...)", options.name, options.path);
  std::sort(s->files_.begin(), s->files_.end());
  int w = 0, h = 0, c = 0;
  if (stbi_info(s->files_.front().c_str(), &w, &h, &c) && w > 0 && h > 0)
    s->frame_bytes_ = static_cast<size_t>(w) * static_cast<size_t>(h) * 3;
  return s;
}

Result<std::optional<pipeline::SourceFrame>> ImageFolderSource::next() {
  if (index_ >= files_.size()) {
    if (!options_.loop) return std::optional<pipeline::SourceFrame>();
    index_ = 0;
  }
  if (!pacer_.wait()) return std::optional<pipeline::SourceFrame>();
  const std::string& path = files_[index_++];
  FOVEA_ASSIGN_OR_RETURN(DecodedImage image, read_image_file(path, options_.encoding));
  auto owned = std::make_shared<DecodedImage>(std::move(image));
  pipeline::SourceFrame out;
  out.frame.image = owned->view();
  out.frame.header.frame_id = options_.frame_id;
  out.frame.header.stamp_ns = now_ns();
  out.frame.source = path;
  out.pixels = std::move(owned);
  return std::optional<pipeline::SourceFrame>(std::move(out));
}

Result<std::unique_ptr<VideoFileSource>> VideoFileSource::create(const FileSourceOptions& options) {
  std::unique_ptr<VideoFileSource> s(new VideoFileSource(options));
  if (s->options_.frame_id.empty()) s->options_.frame_id = options.name;
  Result<std::unique_ptr<VideoFileReader>> reader = VideoFileReader::open(options.path);
  if (!reader.is_ok()) return reader.status().with_context(fmt::format("source '{}'", options.name));
  s->reader_ = std::move(reader).value();
  s->frame_count_ = s->reader_->frame_count();
  return s;
}

VideoFileSource::VideoFileSource(const FileSourceOptions& options) : options_(options), pacer_(options.fps) {}
VideoFileSource::~VideoFileSource() = default;

Result<std::optional<pipeline::SourceFrame>> VideoFileSource::next() {
  if (!pacer_.wait()) return std::optional<pipeline::SourceFrame>();
  Result<std::optional<vision::ImageView>> frame = reader_->next_frame();
  if (!frame.is_ok()) return frame.status().with_context(fmt::format("source '{}'", options_.name));
  if (!frame->has_value() && options_.loop && reader_->frames_read() > 0) {
    FOVEA_ASSIGN_OR_RETURN(reader_, VideoFileReader::open(options_.path));
    FOVEA_ASSIGN_OR_RETURN(frame, reader_->next_frame());
  }
  if (!frame->has_value()) return std::optional<pipeline::SourceFrame>();
  // The reader's frame is only valid until its next call: copy it (as rgb8 or bgr8).
  const vision::ImageView& v = **frame;
  if (v.encoding != vision::PixelEncoding::kBgr8 || v.width <= 0 || v.height <= 0)
    return invalid_argument("source '{}': the video reader returned a frame that is not bgr8", options_.name);
  auto pixels = std::make_shared<std::vector<uint8_t>>(static_cast<size_t>(v.width) * v.height * 3);
  const bool to_rgb = options_.encoding == vision::PixelEncoding::kRgb8;
  for (int y = 0; y < v.height; ++y) {
    const uint8_t* src = v.data + static_cast<size_t>(y) * v.step;
    uint8_t* dst = pixels->data() + static_cast<size_t>(y) * v.width * 3;
    if (!to_rgb) {
      std::copy_n(src, static_cast<size_t>(v.width) * 3, dst);
      continue;
    }
    for (int x = 0; x < v.width; ++x) {
      dst[3 * x + 0] = src[3 * x + 2];
      dst[3 * x + 1] = src[3 * x + 1];
      dst[3 * x + 2] = src[3 * x + 0];
    }
  }
  frame_bytes_ = pixels->size();
  pipeline::SourceFrame out;
  out.frame.image = vision::ImageView{pixels->data(), pixels->size(), v.width, v.height, static_cast<size_t>(v.width) * 3,
                                      options_.encoding};
  out.frame.header.frame_id = options_.frame_id;
  out.frame.header.stamp_ns = now_ns();
  out.frame.source = options_.path;
  out.pixels = std::move(pixels);
  return std::optional<pipeline::SourceFrame>(std::move(out));
}

}  // namespace fovea::io
