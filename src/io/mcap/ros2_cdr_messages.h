// The ROS 2 messages fovea records to and replays from bags, and their serialized form: the
// 4-byte encapsulation header (00 01 00 00: plain CDR, little-endian) followed by the XCDR1 body,
// aligned relative to the end of that header (primitives to their size, float64 to 8). That is
// what rmw hands rosbag2 and what MCAP `cdr` channels hold.
//
// Self-contained on purpose (no DDS): bags are read and written on machines without Cyclone DDS.
// Field names and order follow the .msg files (and src/io/ros2/messages.h, which the DDS transport
// uses), so the two can be unified.
//
// Decoding is for untrusted bytes: big- and little-endian XCDR1 are accepted (XCDR2 and parameter
// lists, which rmw never sends, are refused); every length is checked against the bytes left
// before anything is allocated, and errors name the message and field.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace fovea::io::mcap::msg {

struct Time {  // builtin_interfaces/msg/Time
  int32_t sec = 0;
  uint32_t nanosec = 0;
};

struct Header {  // std_msgs/msg/Header
  Time stamp;
  std::string frame_id;
};

struct Image {  // sensor_msgs/msg/Image
  Header header;
  uint32_t height = 0;
  uint32_t width = 0;
  std::string encoding;
  uint8_t is_bigendian = 0;
  uint32_t step = 0;
  std::vector<uint8_t> data;
};

struct CompressedImage {  // sensor_msgs/msg/CompressedImage
  Header header;
  std::string format;  // "jpeg", "png", "rgb8; jpeg compressed bgr8", ...
  std::vector<uint8_t> data;
};

struct Point2D {  // vision_msgs/msg/Point2D
  double x = 0, y = 0;
};
struct Pose2D {  // vision_msgs/msg/Pose2D
  Point2D position;
  double theta = 0;
};
struct BoundingBox2D {  // vision_msgs/msg/BoundingBox2D: center and full size, pixels
  Pose2D center;
  double size_x = 0, size_y = 0;
};
struct ObjectHypothesis {  // vision_msgs/msg/ObjectHypothesis
  std::string class_id;
  double score = 0;
};
struct Point {  // geometry_msgs/msg/Point
  double x = 0, y = 0, z = 0;
};
struct Quaternion {  // geometry_msgs/msg/Quaternion (identity by default, as the .msg)
  double x = 0, y = 0, z = 0, w = 1;
};
struct Pose {  // geometry_msgs/msg/Pose
  Point position;
  Quaternion orientation;
};
struct PoseWithCovariance {  // geometry_msgs/msg/PoseWithCovariance
  Pose pose;
  std::array<double, 36> covariance{};
};
struct ObjectHypothesisWithPose {  // vision_msgs/msg/ObjectHypothesisWithPose
  ObjectHypothesis hypothesis;
  PoseWithCovariance pose;
};
struct Detection2D {  // vision_msgs/msg/Detection2D
  Header header;
  std::vector<ObjectHypothesisWithPose> results;
  BoundingBox2D bbox;
  std::string id;
};
struct Detection2DArray {  // vision_msgs/msg/Detection2DArray
  Header header;
  std::vector<Detection2D> detections;
};

}  // namespace fovea::io::mcap::msg

namespace fovea::io::mcap {

// Serialized form (encapsulation header + CDR body). Errors only for lengths beyond 32 bits.
Result<std::vector<uint8_t>> serialize_cdr(const msg::Image& m);
Result<std::vector<uint8_t>> serialize_cdr(const msg::CompressedImage& m);
Result<std::vector<uint8_t>> serialize_cdr(const msg::Detection2DArray& m);

Result<msg::Image> deserialize_image(std::span<const uint8_t> bytes);
Result<msg::CompressedImage> deserialize_compressed_image(std::span<const uint8_t> bytes);
Result<msg::Detection2DArray> deserialize_detection2d_array(std::span<const uint8_t> bytes);

// ROS time <-> nanoseconds since the epoch (a negative stamp floors to a negative sec).
msg::Time time_from_ns(int64_t ns);
int64_t time_to_ns(const msg::Time& t);

}  // namespace fovea::io::mcap
