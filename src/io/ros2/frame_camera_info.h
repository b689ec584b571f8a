// The sensor_msgs/CameraInfo a ROS 2 image source paired with a frame, carried to the sinks by
// the frame's `pixels` owner. The pipeline's frame structs know nothing of ROS, and every stage
// passes `pixels` on as the same shared_ptr (one control block), so the CameraInfo travels as that
// pointer's deleter object and a sink finds it with std::get_deleter: no table keyed by frame to
// fill and clean up, and it lives exactly as long as the frame. A frame from any other source has
// none. Needs no DDS (the JSON sink reads it in every build).
#pragma once

#include <memory>

#include "io/ros2/messages.h"

namespace fovea::io::ros2 {

struct FrameCameraInfo {
  std::shared_ptr<const msg::CameraInfo> info;
  bool same_stamp = false;             // paired by header.stamp; false: the latest one received
  std::shared_ptr<const void> pixels;  // what really owns the frame's pixels

  // The deleter: the frame is gone, so let go of the pixels and the CameraInfo.
  void operator()(const void*) noexcept {
    pixels.reset();
    info.reset();
  }
};

// `pixels` (the same pointer) now also carrying `info`.
inline std::shared_ptr<const void> attach_camera_info(std::shared_ptr<const void> pixels,
                                                      std::shared_ptr<const msg::CameraInfo> info, bool same_stamp) {
  const void* p = pixels.get();
  return std::shared_ptr<const void>(p, FrameCameraInfo{std::move(info), same_stamp, std::move(pixels)});
}

// The CameraInfo a frame's pixels carry, or nullptr.
inline const FrameCameraInfo* camera_info_of(const std::shared_ptr<const void>& pixels) {
  const FrameCameraInfo* c = std::get_deleter<FrameCameraInfo>(pixels);
  return c != nullptr && c->info != nullptr ? c : nullptr;
}

}  // namespace fovea::io::ros2
