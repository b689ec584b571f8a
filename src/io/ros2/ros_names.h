// ROS 2 names on the DDS wire: topic names get the "rt" prefix ("/camera/image_raw" ->
// "rt/camera/image_raw"), message types become "pkg::msg::dds_::Type_". Both as rmw_cyclonedds
// and rmw_fastrtps build them (reference: ../shared/reference/ros2-wire.md §1). Also the ROS name
// rules (rcl's validators) for topics, node names and namespaces, so a bad name in a config is an
// error naming it, not a topic no ROS tool can see.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace fovea::io::ros2 {

// Prefix of topics (rt), and of service requests/replies (rq/rr), on the DDS wire.
inline constexpr std::string_view kTopicPrefix = "rt";

// A node name: letters, digits and '_', not starting with a digit, 1..255 characters.
Status validate_node_name(std::string_view name);
// A namespace: "/" or "/a/b" (tokens as in a topic name, no trailing '/').
Status validate_namespace(std::string_view node_namespace);

// Resolves a topic name against the node's namespace: "/x" stays, "x" becomes "<ns>/x".
// Rejects what ROS rejects: empty names, characters other than [A-Za-z0-9_/], "//", a trailing
// '/', tokens starting with a digit, and the "~" / "{}" substitutions fovea does not expand.
Result<std::string> resolve_topic_name(std::string_view name, std::string_view node_namespace = "/");

// "/camera/image_raw" (or relative, resolved against node_namespace) -> "rt/camera/image_raw".
Result<std::string> dds_topic_name(std::string_view ros_topic, std::string_view node_namespace = "/");
// "rt/camera/image_raw" -> "/camera/image_raw"; an error for DDS topics that are not ROS topics.
Result<std::string> ros_topic_name(std::string_view dds_topic);

// "sensor_msgs/msg/Image" -> "sensor_msgs::msg::dds_::Image_" (also for "srv" / "action").
Result<std::string> dds_type_name(std::string_view ros_type);
// "sensor_msgs::msg::dds_::Image_" -> "sensor_msgs/msg/Image".
Result<std::string> ros_type_name(std::string_view dds_type);

// `camera_info` beside an image topic, as image_transport names it: "/cam/image_raw" ->
// "/cam/camera_info"; a "/compressed" transport suffix is dropped first
// ("/cam/image_raw/compressed" -> "/cam/camera_info").
std::string camera_info_topic_for(std::string_view image_topic);

}  // namespace fovea::io::ros2
