#include "io/ros2/topic_discovery.h"

#include <cstring>
#include <thread>

#include "io/ros2/ros_names.h"

namespace fovea::io::ros2 {
namespace {

DiscoveredPublisher describe(const dds_builtintopic_endpoint_t& ep) {
  DiscoveredPublisher p;
  Result<std::string> topic = ros_topic_name(ep.topic_name ? ep.topic_name : "");
  p.ros_topic = topic.is_ok() ? *topic : std::string(ep.topic_name ? ep.topic_name : "");
  Result<std::string> type = ros_type_name(ep.type_name ? ep.type_name : "");
  p.ros_type = type.is_ok() ? *type : std::string(ep.type_name ? ep.type_name : "");
  std::memcpy(p.guid.data(), ep.key.v, p.guid.size());
  dds_reliability_kind_t rel;
  dds_duration_t blocking;
  if (ep.qos != nullptr && dds_qget_reliability(ep.qos, &rel, &blocking))
    p.reliability = rel == DDS_RELIABILITY_RELIABLE ? Reliability::kReliable : Reliability::kBestEffort;
  dds_durability_kind_t dur;
  if (ep.qos != nullptr && dds_qget_durability(ep.qos, &dur))
    p.durability = dur == DDS_DURABILITY_VOLATILE ? Durability::kVolatile : Durability::kTransientLocal;
  return p;
}

}  // namespace

Result<std::vector<DiscoveredPublisher>> discover_publishers(Node& node, const std::string& ros_topic,
                                                             std::chrono::milliseconds timeout) {
  FOVEA_ASSIGN_OR_RETURN(std::string want, resolve_topic_name(ros_topic, node.options().node_namespace));
  const dds_entity_t reader = dds_create_reader(node.participant(), DDS_BUILTIN_TOPIC_DCPSPUBLICATION, nullptr, nullptr);
  if (reader < 0) return io_error("reading DCPSPublication: {}", dds_strretcode(reader));
  std::vector<DiscoveredPublisher> found;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    // Take everything discovered so far (the reader is ours alone), keep the topic's publishers.
    dds_return_t n = 0;
    do {
      void* samples[16] = {};
      dds_sample_info_t infos[16];
      n = dds_take(reader, samples, infos, 16, 16);
      for (dds_return_t i = 0; i < n; ++i) {
        if (!infos[i].valid_data || infos[i].instance_state != DDS_ALIVE_INSTANCE_STATE) continue;
        DiscoveredPublisher p = describe(*static_cast<const dds_builtintopic_endpoint_t*>(samples[i]));
        if (p.ros_topic == want) found.push_back(std::move(p));
      }
      if (n > 0) dds_return_loan(reader, samples, n);
    } while (n == 16);
    if (!found.empty() || std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  dds_delete(reader);
  return found;
}

}  // namespace fovea::io::ros2
