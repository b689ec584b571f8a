// Internal to the transport: the state a node shares with its endpoints (participant, the
// ros_discovery_info writer, the GIDs it announces). Endpoints hold a shared_ptr to it, so the
// participant outlives every endpoint whatever order callers destroy things in.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include <dds/dds.h>

#include "core/status.h"
#include "io/ros2/graph_identity.h"
#include "io/ros2/messages.h"
#include "io/ros2/node.h"

namespace fovea::io::ros2::detail {

class NodeGraph {
 public:
  static Result<std::shared_ptr<NodeGraph>> create(const NodeOptions& options, int domain_id);
  ~NodeGraph();
  NodeGraph(const NodeGraph&) = delete;
  NodeGraph& operator=(const NodeGraph&) = delete;

  // Adds or removes an endpoint's GUID and republishes the node's discovery info (rmw sends the
  // whole participant state on every change; receivers replace what they had).
  void add_endpoint(EndpointKind kind, const Guid& guid);
  void remove_endpoint(EndpointKind kind, const Guid& guid);
  msg::ParticipantEntitiesInfo discovery_info() const;

  const NodeOptions& options() const { return options_; }
  int domain_id() const { return domain_id_; }
  dds_entity_t participant() const { return participant_; }
  const Guid& participant_guid() const { return participant_guid_; }

 private:
  NodeGraph(const NodeOptions& options, int domain_id) : options_(options), domain_id_(domain_id) {}
  msg::ParticipantEntitiesInfo discovery_info_locked() const;
  void publish_locked();

  NodeOptions options_;
  int domain_id_;
  dds_entity_t participant_ = 0;
  dds_entity_t discovery_topic_ = 0;
  dds_entity_t discovery_writer_ = 0;
  Guid participant_guid_{};
  mutable std::mutex mutex_;
  std::vector<Guid> readers_, writers_;
};

// The GUID of a DDS entity as bytes.
Result<Guid> entity_guid(dds_entity_t entity);

}  // namespace fovea::io::ros2::detail
