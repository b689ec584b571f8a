#include "io/synthetic_camera_source.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <numbers>
#include <tuple>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace fovea::io {
namespace {

struct Buffer {
  std::vector<uint8_t> pixels;
  std::vector<cv::Rect> dirty;  // regions that differ from the background
  std::shared_ptr<pipeline::HostMemoryLocker> locker;  // set when `pixels` is page-locked
  ~Buffer() {
    if (locker) locker->unlock(pixels.data());
  }
};

// A buffer holding the background, page-locked when `locker` is given and locking works.
std::unique_ptr<Buffer> new_buffer(const std::vector<uint8_t>& background,
                                   std::shared_ptr<pipeline::HostMemoryLocker> locker) {
  auto buffer = std::make_unique<Buffer>();
  buffer->pixels = background;
  if (locker && locker->lock(buffer->pixels.data(), buffer->pixels.size())) buffer->locker = std::move(locker);
  return buffer;
}

// One gradient background per size and encoding, shared by every camera that uses it.
std::shared_ptr<const std::vector<uint8_t>> shared_background(int width, int height, vision::PixelEncoding encoding) {
  static std::mutex mutex;
  static std::map<std::tuple<int, int, int>, std::weak_ptr<const std::vector<uint8_t>>> cache;
  std::lock_guard lock(mutex);
  auto& slot = cache[{width, height, static_cast<int>(encoding)}];
  if (auto existing = slot.lock()) return existing;
  auto bg = std::make_shared<std::vector<uint8_t>>(static_cast<size_t>(width) * height * 3);
  const bool bgr = encoding == vision::PixelEncoding::kBgr8;
  for (int y = 0; y < height; ++y) {
    uint8_t* row = bg->data() + static_cast<size_t>(y) * width * 3;
    for (int x = 0; x < width; ++x) {
      const uint8_t r = static_cast<uint8_t>(40 + 120 * x / width);
      const uint8_t g = static_cast<uint8_t>(60 + 100 * y / height);
      const uint8_t b = static_cast<uint8_t>(((x / 64 + y / 64) % 2) ? 110 : 90);  // a faint checkerboard
      row[3 * x + 0] = bgr ? b : r;
      row[3 * x + 1] = g;
      row[3 * x + 2] = bgr ? r : b;
    }
  }
  slot = bg;
  return bg;
}

cv::Scalar color(int r, int g, int b, bool bgr) { return bgr ? cv::Scalar(b, g, r) : cv::Scalar(r, g, b); }

cv::Rect clip(const cv::Rect& r, int width, int height) { return r & cv::Rect(0, 0, width, height); }

}  // namespace

struct SyntheticCameraSource::Pool {
  std::mutex mutex;
  std::vector<std::unique_ptr<Buffer>> free;
  std::shared_ptr<const std::vector<uint8_t>> background;
  std::shared_ptr<pipeline::HostMemoryLocker> locker;  // page-locks new buffers when set
};

SyntheticCameraSource::SyntheticCameraSource(const SyntheticCameraOptions& options) : options_(options) {}
SyntheticCameraSource::~SyntheticCameraSource() = default;

Result<std::unique_ptr<SyntheticCameraSource>> SyntheticCameraSource::create(const SyntheticCameraOptions& options) {
  if (options.width < 16 || options.height < 16 || options.width > 16384 || options.height > 16384)
    return invalid_argument("synthetic camera '{}': size {}x{} is not within 16..16384", options.name, options.width,
                            options.height);
  if (!(options.fps > 0)) return invalid_argument("synthetic camera '{}': fps {} must be > 0", options.name, options.fps);
  if (options.encoding != vision::PixelEncoding::kRgb8 && options.encoding != vision::PixelEncoding::kBgr8)
    return invalid_argument("synthetic camera '{}': encoding must be rgb8 or bgr8", options.name);
  std::unique_ptr<SyntheticCameraSource> s(new SyntheticCameraSource(options));
  if (s->options_.frame_id.empty()) s->options_.frame_id = options.name;
  s->frame_bytes_ = static_cast<size_t>(options.width) * options.height * 3;
  s->pool_ = std::make_shared<Pool>();
  s->pool_->background = shared_background(options.width, options.height, options.encoding);
  return s;
}

// Page-locking takes driver locks that can stall other threads' CUDA calls, so the buffers a
// camera normally cycles through are made and locked now, before the start.
bool SyntheticCameraSource::use_page_locked_memory(std::shared_ptr<pipeline::HostMemoryLocker> locker) {
  constexpr int kPrelockedBuffers = 6;
  std::lock_guard lock(pool_->mutex);
  pool_->locker = std::move(locker);
  if (!pool_->locker) return false;
  for (int i = 0; i < kPrelockedBuffers; ++i) pool_->free.push_back(new_buffer(*pool_->background, pool_->locker));
  return true;
}

void SyntheticCameraSource::request_stop() {
  {
    std::lock_guard lock(stop_mutex_);
    stop_ = true;
  }
  stop_cv_.notify_all();
}

bool SyntheticCameraSource::wait_until_due() {
  using namespace std::chrono;
  const auto period = duration_cast<pipeline::SteadyClock::duration>(duration<double>(1.0 / options_.fps));
  const auto now = pipeline::SteadyClock::now();
  if (schedule_index_ == 0) schedule_start_ = now;
  auto due = schedule_start_ + schedule_index_ * period;
  if (now > due + period) {  // fell behind: resynchronize instead of bursting
    schedule_start_ = now;
    schedule_index_ = 0;
    due = now;
  }
  ++schedule_index_;
  std::unique_lock lock(stop_mutex_);
  stop_cv_.wait_until(lock, due, [&] { return stop_; });
  return !stop_;
}

Result<std::optional<pipeline::SourceFrame>> SyntheticCameraSource::next() {
  if (options_.max_frames > 0 && produced_ >= options_.max_frames) return std::optional<pipeline::SourceFrame>();
  if (options_.paced) {
    if (!wait_until_due()) return std::optional<pipeline::SourceFrame>();
  } else {
    std::lock_guard lock(stop_mutex_);
    if (stop_) return std::optional<pipeline::SourceFrame>();
  }
  const int w = options_.width, h = options_.height;
  const bool bgr = options_.encoding == vision::PixelEncoding::kBgr8;
  const std::vector<uint8_t>& bg = *pool_->background;

  std::unique_ptr<Buffer> buffer;
  std::shared_ptr<pipeline::HostMemoryLocker> locker;
  {
    std::lock_guard lock(pool_->mutex);
    if (!pool_->free.empty()) {
      buffer = std::move(pool_->free.back());
      pool_->free.pop_back();
    } else {
      locker = pool_->locker;
    }
  }
  if (!buffer) {
    buffer = new_buffer(bg, std::move(locker));
  } else {
    for (const cv::Rect& r : buffer->dirty)
      for (int y = r.y; y < r.y + r.height; ++y) {
        const size_t offset = (static_cast<size_t>(y) * w + r.x) * 3;
        std::copy_n(bg.data() + offset, static_cast<size_t>(r.width) * 3, buffer->pixels.data() + offset);
      }
  }
  buffer->dirty.clear();

  // Three shapes on smooth periodic paths, phases and colours from the stream index.
  cv::Mat image(h, w, CV_8UC3, buffer->pixels.data());
  const double t = static_cast<double>(produced_) / options_.fps;
  const double phase = 0.37 * options_.stream_index;
  const double tau = 2 * std::numbers::pi;
  const int k = options_.stream_index;
  {
    const int rw = w / 7, rh = h / 5;
    const int x = static_cast<int>((0.5 + 0.38 * std::sin(tau * (0.11 * t) + phase)) * (w - rw));
    const int y = static_cast<int>(0.15 * h + 0.1 * h * std::sin(tau * 0.07 * t + phase));
    const cv::Rect r(x, y, rw, rh);
    cv::rectangle(image, r, color(220, 60 + (k * 37) % 150, 40, bgr), cv::FILLED);
    buffer->dirty.push_back(clip(r, w, h));
  }
  {
    const int radius = h / 9;
    const cv::Point c(static_cast<int>(w * (0.5 + 0.35 * std::sin(tau * 0.13 * t + 2 * phase))),
                      static_cast<int>(h * (0.55 + 0.25 * std::sin(tau * 0.19 * t + phase))));
    cv::circle(image, c, radius, color(40, 200, 70 + (k * 53) % 150, bgr), cv::FILLED);
    buffer->dirty.push_back(clip(cv::Rect(c.x - radius - 1, c.y - radius - 1, 2 * radius + 3, 2 * radius + 3), w, h));
  }
  {
    const int s = h / 6;
    const int cx = static_cast<int>(w * (0.2 + 0.6 * (0.5 + 0.5 * std::sin(tau * 0.05 * t + 3 * phase))));
    const int cy = static_cast<int>(h * 0.8);
    std::vector<cv::Point> tri{{cx, cy - s / 2}, {cx - s / 2, cy + s / 2}, {cx + s / 2, cy + s / 2}};
    cv::fillConvexPoly(image, tri, color(60 + (k * 29) % 150, 80, 230, bgr));
    buffer->dirty.push_back(clip(cv::Rect(cx - s / 2 - 1, cy - s / 2 - 1, s + 3, s + 3), w, h));
  }
  {
    const std::string text = options_.name + " #" + std::to_string(produced_);
    const double scale = std::max(0.5, h / 720.0);
    int baseline = 0;
    const cv::Size size = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, scale, 2, &baseline);
    const cv::Point origin(10, 10 + size.height);
    cv::putText(image, text, origin, cv::FONT_HERSHEY_SIMPLEX, scale, color(255, 255, 255, bgr), 2);
    buffer->dirty.push_back(clip(cv::Rect(5, 5, size.width + 10, size.height + baseline + 12), w, h));
  }

  pipeline::SourceFrame out;
  out.frame.image.data = buffer->pixels.data();
  out.frame.image.size_bytes = buffer->pixels.size();
  out.frame.image.width = w;
  out.frame.image.height = h;
  out.frame.image.step = static_cast<size_t>(w) * 3;
  out.frame.image.encoding = options_.encoding;
  out.frame.header.frame_id = options_.frame_id;
  out.frame.header.stamp_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  out.frame.source = options_.name;
  out.frame.sequence = produced_;
  // The buffer returns to the pool when the last stage lets go of the frame.
  std::shared_ptr<Pool> pool = pool_;
  std::shared_ptr<Buffer> owner(buffer.release(), [pool](Buffer* b) {
    std::lock_guard lock(pool->mutex);
    pool->free.emplace_back(b);
  });
  out.pixels = std::move(owner);
  ++produced_;
  return std::optional<pipeline::SourceFrame>(std::move(out));
}

}  // namespace fovea::io
