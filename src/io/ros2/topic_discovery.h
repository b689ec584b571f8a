// What other participants publish, from DDS's built-in DCPSPublication topic: `fovea echo
// --type auto` finds a topic's message type this way, as `ros2 topic echo` does through the
// graph.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/status.h"
#include "io/ros2/graph_identity.h"
#include "io/ros2/node.h"
#include "io/ros2/qos_profile.h"

namespace fovea::io::ros2 {

struct DiscoveredPublisher {
  std::string ros_topic;  // "/camera/image_raw"
  std::string ros_type;   // "sensor_msgs/msg/Image" (the DDS type name when it is not a ROS type)
  Guid guid{};
  Reliability reliability = Reliability::kReliable;
  Durability durability = Durability::kVolatile;
};

// Publishers on `ros_topic` (resolved against the node's namespace) that `node`'s participant
// has discovered, waiting up to `timeout` for the first; an empty list when none appeared.
// The node's own writers are included.
Result<std::vector<DiscoveredPublisher>> discover_publishers(Node& node, const std::string& ros_topic,
                                                             std::chrono::milliseconds timeout);

}  // namespace fovea::io::ros2
