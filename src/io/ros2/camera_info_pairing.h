// Pairs camera images with their sensor_msgs/CameraInfo, as image_transport's CameraSubscriber
// does, without its exact-time synchronizer dropping images: the CameraInfos received are kept in
// a small ring; an image gets the one with its header.stamp, else the latest one (a camera that
// publishes one CameraInfo per stream, or stamps them differently, still gets its calibration).
// A CameraInfo whose width x height differ from the image's is not used: counted as a drop of
// the CameraInfo with its reason (rate-limited log), and the image goes on without one.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "io/ros2/message_drops.h"
#include "io/ros2/messages.h"

namespace fovea::io::ros2 {

struct PairedCameraInfo {
  std::shared_ptr<const msg::CameraInfo> info;  // null: none to pair
  bool same_stamp = false;
};

struct CameraInfoPairingCounts {
  uint64_t received = 0;       // CameraInfos added
  uint64_t same_stamp = 0;     // images paired with the CameraInfo of their stamp
  uint64_t latest = 0;         // ... with the latest one (none of their stamp)
  uint64_t none = 0;           // images without one (none received yet, or a size mismatch)
  uint64_t size_mismatch = 0;  // CameraInfos refused for their width x height
};

class CameraInfoPairing {
 public:
  // `topic` names the CameraInfo topic in drop logs; `capacity` CameraInfos are kept.
  explicit CameraInfoPairing(std::string topic, size_t capacity = 8);

  void add(msg::CameraInfo info);
  // True when a CameraInfo of this stamp (nanoseconds since the epoch) is here.
  bool has_stamp(int64_t stamp_ns) const;
  // True when this stamp's CameraInfo may still come, so a short wait is worth it
  // (image_transport publishes the image first, then its CameraInfo): none of this stamp or
  // later has arrived, and some have, or a CameraInfo publisher is there (`publisher_matched`).
  bool may_still_arrive(int64_t stamp_ns, bool publisher_matched) const;
  // The CameraInfo for an image of this stamp and size (see the file comment).
  PairedCameraInfo pair(int64_t stamp_ns, uint32_t width, uint32_t height);

  const CameraInfoPairingCounts& counts() const { return counts_; }
  const MessageDropCounter& drops() const { return drops_; }
  MessageDropCounter& drops() { return drops_; }  // also for CameraInfos that could not be taken

 private:
  struct Entry {
    int64_t stamp_ns;
    std::shared_ptr<const msg::CameraInfo> info;
  };
  size_t capacity_;
  std::deque<Entry> ring_;  // oldest first
  CameraInfoPairingCounts counts_;
  MessageDropCounter drops_;
};

}  // namespace fovea::io::ros2
