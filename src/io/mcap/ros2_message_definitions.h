// The `ros2msg` schemas fovea writes into bags: for a type, its .msg text followed by each
// dependency's text, depth first and in sorted order, each preceded by a line of 80 '=' and a
// `MSG: pkg/Type` line, exactly as rosbag2's MCAP storage composes them (so Foxglove and the MCAP
// tools can decode the messages without ROS installed). The .msg texts are the fields of the
// Humble/Jazzy definitions (vision_msgs 4.1) without their comments.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fovea::io::mcap {

inline constexpr std::string_view kImageType = "sensor_msgs/msg/Image";
inline constexpr std::string_view kCompressedImageType = "sensor_msgs/msg/CompressedImage";
inline constexpr std::string_view kDetection2DArrayType = "vision_msgs/msg/Detection2DArray";

// The complete ros2msg definition of `type` ("sensor_msgs/msg/Image" or "sensor_msgs/Image"), or
// nullopt for a type this table does not hold.
std::optional<std::string> ros2msg_definition(std::string_view type);

// REP-2011 type hash of `type` ("RIHS01_..."), for rosbag2 Jazzy's `topic_type_hash` channel
// metadata; nullopt when unknown.
std::optional<std::string> ros2_type_hash(std::string_view type);

}  // namespace fovea::io::mcap
