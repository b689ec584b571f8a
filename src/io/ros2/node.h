// A ROS 2 node without rclcpp: one DDS participant (USER_DATA "enclave=/;") that announces its
// node name, namespace and endpoint GIDs on ros_discovery_info, as rmw does, so `ros2 node list`
// and `ros2 topic info -v` show it; and the publishers and subscriptions it creates, with ROS
// topic and type names and ROS QoS (docs/ros2.md).
//
// The distro switch picks the discovery-info layout (Humble: 24-byte GIDs; Jazzy: 16-byte GIDs
// and RIHS01 type hashes in every endpoint's USER_DATA). The domain is $ROS_DOMAIN_ID (0 when
// unset) unless given; network settings come from Cyclone's own $CYCLONEDDS_URI.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "io/ros2/graph_identity.h"
#include "io/ros2/qos_profile.h"
#include "io/ros2/topic_endpoint.h"

namespace fovea::io::ros2 {

struct NodeOptions {
  std::string name = "fovea";
  std::string node_namespace = "/";
  Distro distro = default_distro();
  int domain_id = -1;  // -1: $ROS_DOMAIN_ID, else 0
};

// $ROS_DOMAIN_ID as a domain id (0 when unset); an error for a value outside 0..232.
Result<int> ros_domain_id_from_environment();

class Node {
 public:
  static Result<std::unique_ptr<Node>> create(const NodeOptions& options);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  // `topic` is a ROS name ("/camera/image_raw", or relative to the namespace).
  Result<std::unique_ptr<TopicWriter>> create_writer(const MessageType& type, const std::string& topic,
                                                     const QosProfile& qos);
  Result<std::unique_ptr<TopicReader>> create_reader(const MessageType& type, const std::string& topic,
                                                     const QosProfile& qos);

  template <typename Msg>
  Result<std::unique_ptr<Publisher<Msg>>> create_publisher(const std::string& topic,
                                                           const QosProfile& qos = default_publisher_qos()) {
    FOVEA_ASSIGN_OR_RETURN(auto writer, create_writer(message_type<Msg>(), topic, qos));
    return std::make_unique<Publisher<Msg>>(std::move(writer));
  }
  template <typename Msg>
  Result<std::unique_ptr<Subscription<Msg>>> create_subscription(
      const std::string& topic, const QosProfile& qos = default_subscription_qos()) {
    FOVEA_ASSIGN_OR_RETURN(auto reader, create_reader(message_type<Msg>(), topic, qos));
    return std::make_unique<Subscription<Msg>>(std::move(reader));
  }

  const NodeOptions& options() const;
  int domain_id() const;
  dds_entity_t participant() const;
  const Guid& participant_guid() const;
  // What this node currently announces on ros_discovery_info.
  msg::ParticipantEntitiesInfo discovery_info() const;

 private:
  explicit Node(std::shared_ptr<detail::NodeGraph> graph);
  std::shared_ptr<detail::NodeGraph> graph_;
};

}  // namespace fovea::io::ros2
