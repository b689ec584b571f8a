// The ROS 2 messages fovea speaks, as plain C++ values (field names and order as the .msg files;
// wire layout in src/io/ros2/idl/). Converters and commands build and read these; the transport
// turns them into the idlc-generated C structs only while writing or reading a sample
// (message_type_support.h), so nothing outside src/io/ros2/ sees DDS types; bags go through
// cdr/cdr_codec.h. Needs no DDS library (MCAP uses it in builds without Cyclone DDS).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace fovea::io::ros2::msg {

// builtin_interfaces/msg/Time
struct Time {
  int32_t sec = 0;
  uint32_t nanosec = 0;
};

// std_msgs/msg/Header
struct Header {
  Time stamp;
  std::string frame_id;
};

// sensor_msgs/msg/Image
struct Image {
  Header header;
  uint32_t height = 0;
  uint32_t width = 0;
  std::string encoding;
  uint8_t is_bigendian = 0;
  uint32_t step = 0;  // bytes per row
  std::vector<uint8_t> data;
};

// sensor_msgs/msg/CompressedImage
struct CompressedImage {
  Header header;
  std::string format;  // "jpeg", "png", or "<encoding>; <codec> compressed <encoding>"
  std::vector<uint8_t> data;
};

// sensor_msgs/msg/RegionOfInterest
struct RegionOfInterest {
  uint32_t x_offset = 0;
  uint32_t y_offset = 0;
  uint32_t height = 0;
  uint32_t width = 0;
  bool do_rectify = false;
};

// sensor_msgs/msg/CameraInfo
struct CameraInfo {
  Header header;
  uint32_t height = 0;
  uint32_t width = 0;
  std::string distortion_model;
  std::vector<double> d;
  std::array<double, 9> k{};
  std::array<double, 9> r{};
  std::array<double, 12> p{};
  uint32_t binning_x = 0;
  uint32_t binning_y = 0;
  RegionOfInterest roi;
};

// geometry_msgs/msg/Point
struct Point {
  double x = 0, y = 0, z = 0;
};

// geometry_msgs/msg/Quaternion (the .msg default is the identity rotation: w = 1)
struct Quaternion {
  double x = 0, y = 0, z = 0, w = 1;
};

// geometry_msgs/msg/Pose
struct Pose {
  Point position;
  Quaternion orientation;
};

// geometry_msgs/msg/PoseWithCovariance
struct PoseWithCovariance {
  Pose pose;
  std::array<double, 36> covariance{};
};

// vision_msgs/msg/Point2D
struct Point2D {
  double x = 0, y = 0;
};

// vision_msgs/msg/Pose2D
struct Pose2D {
  Point2D position;
  double theta = 0;
};

// vision_msgs/msg/BoundingBox2D: center and full size in pixels
struct BoundingBox2D {
  Pose2D center;
  double size_x = 0;
  double size_y = 0;
};

// vision_msgs/msg/ObjectHypothesis
struct ObjectHypothesis {
  std::string class_id;
  double score = 0;
};

// vision_msgs/msg/ObjectHypothesisWithPose
struct ObjectHypothesisWithPose {
  ObjectHypothesis hypothesis;
  PoseWithCovariance pose;
};

// vision_msgs/msg/Detection2D
struct Detection2D {
  Header header;
  std::vector<ObjectHypothesisWithPose> results;
  BoundingBox2D bbox;
  std::string id;
};

// vision_msgs/msg/Detection2DArray
struct Detection2DArray {
  Header header;
  std::vector<Detection2D> detections;
};

// vision_msgs/msg/Classification
struct Classification {
  Header header;
  std::vector<ObjectHypothesis> results;
};

// vision_msgs/msg/VisionClass
struct VisionClass {
  uint16_t class_id = 0;
  std::string class_name;
};

// vision_msgs/msg/LabelInfo
struct LabelInfo {
  Header header;
  std::vector<VisionClass> class_map;
  float threshold = 0;
};

// rmw_dds_common/msg/Gid: 16 bytes (Iron and later) or 24 (Humble: GUID + 8 zero bytes). Held
// here as the 16 GUID bytes; the distro decides the wire length (graph_identity.h).
struct Gid {
  std::array<uint8_t, 16> data{};
};

// rmw_dds_common/msg/NodeEntitiesInfo (strings bounded to 256 characters)
struct NodeEntitiesInfo {
  std::string node_namespace;
  std::string node_name;
  std::vector<Gid> reader_gid_seq;
  std::vector<Gid> writer_gid_seq;
};

// rmw_dds_common/msg/ParticipantEntitiesInfo: what ros_discovery_info carries
struct ParticipantEntitiesInfo {
  Gid gid;
  std::vector<NodeEntitiesInfo> node_entities_info_seq;
};

}  // namespace fovea::io::ros2::msg

namespace fovea::io::ros2 {

// ROS time <-> nanoseconds since the epoch. Negative stamps floor (-1 ns is sec -1, nanosec
// 999999999, as rclcpp's Time); seconds beyond int32 saturate.
inline msg::Time time_from_ns(int64_t stamp_ns) {
  constexpr int64_t kNsPerSec = 1'000'000'000;
  int64_t sec = stamp_ns / kNsPerSec;
  int64_t nsec = stamp_ns % kNsPerSec;
  if (nsec < 0) {
    nsec += kNsPerSec;
    sec -= 1;
  }
  msg::Time t;
  t.sec = static_cast<int32_t>(std::clamp<int64_t>(sec, INT32_MIN, INT32_MAX));
  t.nanosec = static_cast<uint32_t>(nsec);
  return t;
}

inline int64_t time_to_ns(const msg::Time& time) {
  return static_cast<int64_t>(time.sec) * 1'000'000'000 + static_cast<int64_t>(time.nanosec);
}

}  // namespace fovea::io::ros2
