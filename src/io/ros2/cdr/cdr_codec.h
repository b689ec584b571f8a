// fovea's one CDR codec for ROS 2 messages: a message of messages.h <-> the bytes rmw puts in an
// RTPS DATA submessage and hands to rosbag2 (encapsulation header 00 01 00 00 + XCDR1 body, the
// layout of src/io/ros2/idl/). The MCAP bag reader and writer, `fovea echo`'s tests and the
// fuzzers use it; it needs no DDS library, so bags work in builds without Cyclone DDS.
//
// The DDS transport itself hands Cyclone the idlc-generated C structs (message_type_support.h);
// the unit tests check that this codec writes the same bytes as Cyclone's serializer and accepts
// exactly the bytes Cyclone's validation accepts (ros2_cdr_cyclone_parity_test.cpp), besides
// byte-by-byte layouts written by hand.
//
// Decoding is for untrusted bytes: big- and little-endian XCDR1; lengths checked against the
// bytes left before allocating; strings NUL-terminated and within their bound; booleans 0 or 1.
// Errors name the type and the field ("vision_msgs/msg/Detection2DArray.detections[1].id: ...").
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "io/ros2/cdr/cdr_stream.h"
#include "io/ros2/messages.h"

namespace fovea::io::ros2 {

using cdr::kMaxSerializedBytes;

// Every message of messages.h (rmw_dds_common types in the 16-byte GID layout of Iron and later).
template <typename Msg>
Result<std::vector<uint8_t>> serialize(const Msg& msg);
template <typename Msg>
Result<Msg> deserialize(std::span<const uint8_t> bytes);

// The ROS type name of a message ("sensor_msgs/msg/Image").
template <typename Msg>
std::string_view ros_type_name_of();

// Every message type of messages.h this codec knows, with its ROS name: X(Type, "pkg/msg/Type").
#define FOVEA_ROS2_CDR_MESSAGES(X) \
  X(Time, "builtin_interfaces/msg/Time") \
  X(Header, "std_msgs/msg/Header") \
  X(Image, "sensor_msgs/msg/Image") \
  X(CompressedImage, "sensor_msgs/msg/CompressedImage") \
  X(RegionOfInterest, "sensor_msgs/msg/RegionOfInterest") \
  X(CameraInfo, "sensor_msgs/msg/CameraInfo") \
  X(Point, "geometry_msgs/msg/Point") \
  X(Quaternion, "geometry_msgs/msg/Quaternion") \
  X(Pose, "geometry_msgs/msg/Pose") \
  X(PoseWithCovariance, "geometry_msgs/msg/PoseWithCovariance") \
  X(Point2D, "vision_msgs/msg/Point2D") \
  X(Pose2D, "vision_msgs/msg/Pose2D") \
  X(BoundingBox2D, "vision_msgs/msg/BoundingBox2D") \
  X(ObjectHypothesis, "vision_msgs/msg/ObjectHypothesis") \
  X(ObjectHypothesisWithPose, "vision_msgs/msg/ObjectHypothesisWithPose") \
  X(Detection2D, "vision_msgs/msg/Detection2D") \
  X(Detection2DArray, "vision_msgs/msg/Detection2DArray") \
  X(Classification, "vision_msgs/msg/Classification") \
  X(VisionClass, "vision_msgs/msg/VisionClass") \
  X(LabelInfo, "vision_msgs/msg/LabelInfo") \
  X(Gid, "rmw_dds_common/msg/Gid") \
  X(NodeEntitiesInfo, "rmw_dds_common/msg/NodeEntitiesInfo") \
  X(ParticipantEntitiesInfo, "rmw_dds_common/msg/ParticipantEntitiesInfo")

#define FOVEA_ROS2_CDR_DECLARE_TYPE_NAME(T, NAME) \
  template <>                                     \
  std::string_view ros_type_name_of<msg::T>();
FOVEA_ROS2_CDR_MESSAGES(FOVEA_ROS2_CDR_DECLARE_TYPE_NAME)
#undef FOVEA_ROS2_CDR_DECLARE_TYPE_NAME

// ros_discovery_info's type with the GID size of a distro: 16 bytes (Iron and later) or 24
// (Humble: the GUID + 8 zero bytes; the extra bytes are dropped when reading).
Result<std::vector<uint8_t>> serialize_participant_entities_info(const msg::ParticipantEntitiesInfo& info,
                                                                 size_t gid_bytes);
Result<msg::ParticipantEntitiesInfo> deserialize_participant_entities_info(std::span<const uint8_t> bytes,
                                                                           size_t gid_bytes);

}  // namespace fovea::io::ros2
