#include "io/ros2/ros2_image_source.h"

#include <chrono>

#include "core/logging.h"
#include "io/ros2/frame_camera_info.h"
#include "io/ros2/message_conversion.h"
#include "io/ros2/ros_names.h"

namespace fovea::io::ros2 {
namespace {

// How long one wait blocks before looking at the stop flag again (interrupt() wakes it sooner).
constexpr std::chrono::milliseconds kWaitSlice{200};
// Messages taken per take(): DDS holds at most the history depth anyway.
constexpr size_t kTakeBatch = 16;

}  // namespace

Ros2ImageSource::Ros2ImageSource(std::shared_ptr<Node> node, Ros2ImageSourceOptions options)
    : node_(std::move(node)), options_(std::move(options)), drops_(options_.topic) {}

Ros2ImageSource::~Ros2ImageSource() {
  if (pairing_) log::info("ros2: {}", camera_info_summary());
}

std::string Ros2ImageSource::camera_info_summary() const {
  if (!pairing_) return {};
  const CameraInfoPairingCounts& c = pairing_->counts();
  return fmt::format("source '{}': {} CameraInfos on {}; frames paired by stamp {}, with the latest {}, without {} ({} "
                     "size mismatches)",
                     options_.name, c.received, camera_info_topic(), c.same_stamp, c.latest, c.none, c.size_mismatch);
}

Result<std::unique_ptr<Ros2ImageSource>> Ros2ImageSource::create(std::shared_ptr<Node> node,
                                                                 const Ros2ImageSourceOptions& options) {
  if (node == nullptr) return invalid_argument("{}: no ROS 2 node", options.name);
  FOVEA_RETURN_IF_ERROR(validate_qos(options.qos));
  std::unique_ptr<Ros2ImageSource> source(new Ros2ImageSource(node, options));
  if (options.compressed) {
    Result<std::unique_ptr<Subscription<msg::CompressedImage>>> sub =
        node->create_subscription<msg::CompressedImage>(options.topic, options.qos);
    if (!sub.is_ok()) return sub.status().with_context(options.name);
    source->compressed_ = std::move(sub).value();
  } else {
    Result<std::unique_ptr<Subscription<msg::Image>>> sub = node->create_subscription<msg::Image>(options.topic, options.qos);
    if (!sub.is_ok()) return sub.status().with_context(options.name);
    source->raw_ = std::move(sub).value();
  }
  if (!options.camera_info_topic.empty()) {
    if (options.camera_info_wait.count() < 0) return invalid_argument("{}: camera_info_wait is negative", options.name);
    const std::string topic =
        options.camera_info_topic == "auto" ? camera_info_topic_for(options.topic) : options.camera_info_topic;
    Result<std::unique_ptr<Subscription<msg::CameraInfo>>> sub =
        node->create_subscription<msg::CameraInfo>(topic, options.qos);
    if (!sub.is_ok()) return sub.status().with_context(options.name + ".camera_info_topic");
    source->camera_info_ = std::move(sub).value();
    source->pairing_ = std::make_unique<CameraInfoPairing>(source->camera_info_->endpoint().topic());
  }
  return source;
}

const std::string& Ros2ImageSource::topic() const {
  return raw_ ? raw_->endpoint().topic() : compressed_->endpoint().topic();
}

std::string Ros2ImageSource::camera_info_topic() const {
  return camera_info_ ? camera_info_->endpoint().topic() : std::string();
}

void Ros2ImageSource::request_stop() {
  stop_ = true;
  if (raw_) raw_->interrupt();
  if (compressed_) compressed_->interrupt();
  if (camera_info_) camera_info_->interrupt();
}

void Ros2ImageSource::take_camera_infos() {
  if (!camera_info_) return;
  for (;;) {
    Result<std::vector<Received<msg::CameraInfo>>> got = camera_info_->take(kTakeBatch);
    if (!got.is_ok()) {
      pairing_->drops().record(got.status());
      return;
    }
    for (auto& r : *got) pairing_->add(std::move(r.msg));
    if (got->size() < kTakeBatch) return;
  }
}

void Ros2ImageSource::pair_camera_info(pipeline::SourceFrame& frame, uint32_t width, uint32_t height) {
  const int64_t stamp = frame.frame.header.stamp_ns;
  take_camera_infos();
  const auto deadline = std::chrono::steady_clock::now() + options_.camera_info_wait;
  while (!stop_ && !pairing_->has_stamp(stamp) &&
         pairing_->may_still_arrive(stamp, camera_info_->matched_publications() > 0)) {
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) break;
    if (camera_info_->wait(left)) take_camera_infos();
  }
  PairedCameraInfo paired = pairing_->pair(stamp, width, height);
  if (paired.info) frame.pixels = attach_camera_info(std::move(frame.pixels), std::move(paired.info), paired.same_stamp);
}

bool Ros2ImageSource::fill() {
  while (!stop_) {
    const bool ready = raw_ ? raw_->wait(kWaitSlice) : compressed_->wait(kWaitSlice);
    if (stop_) return false;
    if (!ready) continue;
    if (raw_) {
      Result<std::vector<Received<msg::Image>>> got = raw_->take(kTakeBatch);
      if (!got.is_ok()) {
        drops_.record(got.status());
        continue;
      }
      for (auto& r : *got) pending_raw_.push_back(std::make_shared<msg::Image>(std::move(r.msg)));
      if (!pending_raw_.empty()) return true;
    } else {
      Result<std::vector<Received<msg::CompressedImage>>> got = compressed_->take(kTakeBatch);
      if (!got.is_ok()) {
        drops_.record(got.status());
        continue;
      }
      for (auto& r : *got) pending_compressed_.push_back(std::move(r.msg));
      if (!pending_compressed_.empty()) return true;
    }
  }
  return false;
}

Result<std::optional<pipeline::SourceFrame>> Ros2ImageSource::next() {
  if (pending_raw_.empty() && pending_compressed_.empty() && !fill()) return std::optional<pipeline::SourceFrame>();
  received_.fetch_add(1, std::memory_order_relaxed);
  Result<pipeline::SourceFrame> frame = [&]() -> Result<pipeline::SourceFrame> {
    if (!pending_raw_.empty()) {
      std::shared_ptr<const msg::Image> image = std::move(pending_raw_.front());
      pending_raw_.pop_front();
      return image_to_frame(std::move(image), options_.name, &drops_);
    }
    const msg::CompressedImage image = std::move(pending_compressed_.front());
    pending_compressed_.pop_front();
    return compressed_image_to_frame(image, options_.name, &drops_);
  }();
  if (!frame.is_ok()) return frame.status();  // counted above; the pipeline counts a decode_error drop
  if (pairing_)
    pair_camera_info(*frame, static_cast<uint32_t>(frame->frame.image.width),
                       static_cast<uint32_t>(frame->frame.image.height));
  if (!options_.frame_id.empty()) frame->frame.header.frame_id = options_.frame_id;
  return std::optional<pipeline::SourceFrame>(std::move(frame).value());
}

}  // namespace fovea::io::ros2
