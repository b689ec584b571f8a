#include "io/ros2/camera_info_pairing.h"

#include <algorithm>

namespace fovea::io::ros2 {

CameraInfoPairing::CameraInfoPairing(std::string topic, size_t capacity)
    : capacity_(std::max<size_t>(1, capacity)), drops_(std::move(topic)) {}

void CameraInfoPairing::add(msg::CameraInfo info) {
  ++counts_.received;
  const int64_t stamp = time_to_ns(info.header.stamp);
  ring_.push_back({stamp, std::make_shared<const msg::CameraInfo>(std::move(info))});
  while (ring_.size() > capacity_) ring_.pop_front();
}

bool CameraInfoPairing::has_stamp(int64_t stamp_ns) const {
  return std::any_of(ring_.begin(), ring_.end(), [&](const Entry& e) { return e.stamp_ns == stamp_ns; });
}

bool CameraInfoPairing::may_still_arrive(int64_t stamp_ns, bool publisher_matched) const {
  if (ring_.empty()) return publisher_matched;
  return std::none_of(ring_.begin(), ring_.end(), [&](const Entry& e) { return e.stamp_ns >= stamp_ns; });
}

PairedCameraInfo CameraInfoPairing::pair(int64_t stamp_ns, uint32_t width, uint32_t height) {
  if (ring_.empty()) {
    ++counts_.none;
    return {};
  }
  // Newest first: a camera that re-sends a stamp means its latest CameraInfo.
  auto same = std::find_if(ring_.rbegin(), ring_.rend(), [&](const Entry& e) { return e.stamp_ns == stamp_ns; });
  const bool exact = same != ring_.rend();
  const Entry& chosen = exact ? *same : ring_.back();
  const msg::CameraInfo& c = *chosen.info;
  if (c.width != width || c.height != height) {
    ++counts_.size_mismatch;
    ++counts_.none;
    const msg::Time image_stamp = time_from_ns(stamp_ns);
    drops_.record(invalid_argument(
        "camera_info.width x height {}x{} (stamp {}.{:09d}) differ from the image's {}x{} (stamp {}.{:09d}): the image "
        "goes on without it",
        c.width, c.height, c.header.stamp.sec, c.header.stamp.nanosec, width, height, image_stamp.sec,
        image_stamp.nanosec));
    return {};
  }
  ++(exact ? counts_.same_stamp : counts_.latest);
  return {chosen.info, exact};
}

}  // namespace fovea::io::ros2
