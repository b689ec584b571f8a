// Binds each C++ message of messages.h to its idlc-generated DDS type: the topic descriptor
// (type name "pkg::msg::dds_::Type_", marshalling ops) and the two conversions the transport
// needs. Writing builds a C view that points into the C++ message (no copy of image data) and
// hands it to a callback for the duration of the write; reading copies a received C sample into
// the C++ message.
#pragma once

#include <functional>
#include <string_view>

#include <dds/dds.h>

#include "io/ros2/graph_identity.h"
#include "io/ros2/messages.h"

namespace fovea::io::ros2 {

struct MessageType {
  std::string_view ros_name;                 // "sensor_msgs/msg/Image"
  const dds_topic_descriptor_t* descriptor;  // idlc's; m_typename is the ROS DDS type name
  // Calls fn with a C sample viewing *msg (a pointer to the C++ message of this type).
  void (*with_dds_sample)(const void* msg, const std::function<void(const void*)>& fn);
  // Copies the C sample into *msg (the C++ message of this type).
  void (*read_dds_sample)(const void* sample, void* msg);
};

// The MessageType of each message of messages.h (explicit specializations in the .cpp; the
// discovery-info type depends on the distro: participant_entities_info_type).
template <typename Msg>
const MessageType& message_type();

#define FOVEA_ROS2_DECLARE_MESSAGE_TYPE(T) \
  template <>                              \
  const MessageType& message_type<msg::T>();
FOVEA_ROS2_DECLARE_MESSAGE_TYPE(Time)
FOVEA_ROS2_DECLARE_MESSAGE_TYPE(Header)
FOVEA_ROS2_DECLARE_MESSAGE_TYPE(Image)
FOVEA_ROS2_DECLARE_MESSAGE_TYPE(CompressedImage)
FOVEA_ROS2_DECLARE_MESSAGE_TYPE(RegionOfInterest)
FOVEA_ROS2_DECLARE_MESSAGE_TYPE(CameraInfo)
FOVEA_ROS2_DECLARE_MESSAGE_TYPE(Point)
FOVEA_ROS2_DECLARE_MESSAGE_TYPE(Quaternion)
FOVEA_ROS2_DECLARE_MESSAGE_TYPE(Pose)
FOVEA_ROS2_DECLARE_MESSAGE_TYPE(PoseWithCovariance)
FOVEA_ROS2_DECLARE_MESSAGE_TYPE(Point2D)
FOVEA_ROS2_DECLARE_MESSAGE_TYPE(Pose2D)
FOVEA_ROS2_DECLARE_MESSAGE_TYPE(BoundingBox2D)
FOVEA_ROS2_DECLARE_MESSAGE_TYPE(ObjectHypothesis)
FOVEA_ROS2_DECLARE_MESSAGE_TYPE(ObjectHypothesisWithPose)
FOVEA_ROS2_DECLARE_MESSAGE_TYPE(Detection2D)
FOVEA_ROS2_DECLARE_MESSAGE_TYPE(Detection2DArray)
FOVEA_ROS2_DECLARE_MESSAGE_TYPE(Classification)
FOVEA_ROS2_DECLARE_MESSAGE_TYPE(VisionClass)
FOVEA_ROS2_DECLARE_MESSAGE_TYPE(LabelInfo)
FOVEA_ROS2_DECLARE_MESSAGE_TYPE(Gid)               // 16-byte (Jazzy) layout
FOVEA_ROS2_DECLARE_MESSAGE_TYPE(NodeEntitiesInfo)  // 16-byte (Jazzy) layout
#undef FOVEA_ROS2_DECLARE_MESSAGE_TYPE

// rmw_dds_common/msg/ParticipantEntitiesInfo (C++: msg::ParticipantEntitiesInfo) with the GID
// layout of `distro`; both register the ROS type name
// "rmw_dds_common::msg::dds_::ParticipantEntitiesInfo_".
const MessageType& participant_entities_info_type(Distro distro);

// The MessageType of a ROS type name fovea knows ("sensor_msgs/msg/Image"; the Jazzy layout for
// rmw_dds_common), nullptr otherwise.
const MessageType* find_message_type(std::string_view ros_name);

}  // namespace fovea::io::ros2
