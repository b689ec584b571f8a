#include "io/ros2/node.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "core/logging.h"
#include "io/ros2/node_graph.h"
#include "io/ros2/ros_names.h"
#include "io/ros2/type_hash.h"

namespace fovea::io::ros2 {
namespace detail {
namespace {

// rmw's discovery topic: no "rt/" prefix (avoid_ros_namespace_conventions).
constexpr const char* kDiscoveryTopic = "ros_discovery_info";

Status dds_error(dds_return_t rc, std::string_view what) {
  return io_error("{}: {}", what, dds_strretcode(rc));
}

// USER_DATA of an endpoint: Jazzy's "typehash=RIHS01_...;", nothing for Humble.
Result<std::string> endpoint_user_data_for(const MessageType& type, Distro distro) {
  if (distro == Distro::kHumble) return std::string();
  FOVEA_ASSIGN_OR_RETURN(std::string hash, type_hash(type.ros_name));
  return endpoint_user_data(hash);
}

}  // namespace

Result<Guid> entity_guid(dds_entity_t entity) {
  dds_guid_t g;
  const dds_return_t rc = dds_get_guid(entity, &g);
  if (rc != DDS_RETCODE_OK) return dds_error(rc, "reading an entity's GUID");
  Guid out;
  std::memcpy(out.data(), g.v, out.size());
  return out;
}

Result<std::shared_ptr<NodeGraph>> NodeGraph::create(const NodeOptions& options, int domain_id) {
  std::shared_ptr<NodeGraph> g(new NodeGraph(options, domain_id));
  dds_qos_t* pq = dds_create_qos();
  dds_qset_userdata(pq, kParticipantUserData.data(), kParticipantUserData.size());
  g->participant_ = dds_create_participant(static_cast<dds_domainid_t>(domain_id), pq, nullptr);
  dds_delete_qos(pq);
  if (g->participant_ < 0)
    return dds_error(g->participant_, fmt::format("creating the DDS participant (domain {}; check $CYCLONEDDS_URI)",
                                                  domain_id));
  FOVEA_ASSIGN_OR_RETURN(g->participant_guid_, entity_guid(g->participant_));

  const MessageType& info_type = participant_entities_info_type(options.distro);
  g->discovery_topic_ = dds_create_topic(g->participant_, info_type.descriptor, kDiscoveryTopic, nullptr, nullptr);
  if (g->discovery_topic_ < 0) return dds_error(g->discovery_topic_, "creating topic ros_discovery_info");
  QosProfile q;
  q.history = History::kKeepLast;
  q.depth = 1;
  q.reliability = Reliability::kReliable;
  q.durability = Durability::kTransientLocal;
  FOVEA_ASSIGN_OR_RETURN(std::string user_data, endpoint_user_data_for(info_type, options.distro));
  dds_qos_t* wq = make_dds_qos(q, EndpointKind::kWriter, user_data);
  g->discovery_writer_ = dds_create_writer(g->participant_, g->discovery_topic_, wq, nullptr);
  dds_delete_qos(wq);
  if (g->discovery_writer_ < 0) return dds_error(g->discovery_writer_, "creating the ros_discovery_info writer");
  std::lock_guard lock(g->mutex_);
  g->publish_locked();
  return g;
}

NodeGraph::~NodeGraph() {
  if (participant_ > 0) dds_delete(participant_);  // deletes every entity under it
}

void NodeGraph::add_endpoint(EndpointKind kind, const Guid& guid) {
  std::lock_guard lock(mutex_);
  (kind == EndpointKind::kReader ? readers_ : writers_).push_back(guid);
  publish_locked();
}

void NodeGraph::remove_endpoint(EndpointKind kind, const Guid& guid) {
  std::lock_guard lock(mutex_);
  auto& list = kind == EndpointKind::kReader ? readers_ : writers_;
  list.erase(std::remove(list.begin(), list.end(), guid), list.end());
  publish_locked();
}

msg::ParticipantEntitiesInfo NodeGraph::discovery_info() const {
  std::lock_guard lock(mutex_);
  return discovery_info_locked();
}

msg::ParticipantEntitiesInfo NodeGraph::discovery_info_locked() const {
  msg::ParticipantEntitiesInfo info;
  info.gid.data = participant_guid_;
  msg::NodeEntitiesInfo& node = info.node_entities_info_seq.emplace_back();
  node.node_namespace = options_.node_namespace;
  node.node_name = options_.name;
  for (const Guid& r : readers_) node.reader_gid_seq.push_back(msg::Gid{r});
  for (const Guid& w : writers_) node.writer_gid_seq.push_back(msg::Gid{w});
  return info;
}

void NodeGraph::publish_locked() {
  const msg::ParticipantEntitiesInfo info = discovery_info_locked();
  dds_return_t rc = DDS_RETCODE_OK;
  participant_entities_info_type(options_.distro).with_dds_sample(&info, [&](const void* sample) {
    rc = dds_write(discovery_writer_, sample);
  });
  // Not fatal: the node still works, ROS tools just do not name it.
  if (rc != DDS_RETCODE_OK) log::warn("ros2: publishing ros_discovery_info failed: {}", dds_strretcode(rc));
}

}  // namespace detail

Result<int> ros_domain_id_from_environment() {
  const char* env = std::getenv("ROS_DOMAIN_ID");
  if (env == nullptr || *env == '\0') return 0;
  char* end = nullptr;
  const long v = std::strtol(env, &end, 10);
  if (*end != '\0' || v < 0 || v > 232) return invalid_argument("ROS_DOMAIN_ID '{}' is not a domain id (0..232)", env);
  return static_cast<int>(v);
}

Node::Node(std::shared_ptr<detail::NodeGraph> graph) : graph_(std::move(graph)) {}
Node::~Node() = default;

Result<std::unique_ptr<Node>> Node::create(const NodeOptions& options) {
  FOVEA_RETURN_IF_ERROR(validate_node_name(options.name));
  FOVEA_RETURN_IF_ERROR(validate_namespace(options.node_namespace));
  int domain = options.domain_id;
  if (domain < 0) {
    FOVEA_ASSIGN_OR_RETURN(domain, ros_domain_id_from_environment());
  }
  if (domain > 232) return invalid_argument("domain id {} is out of range (0..232)", domain);
  FOVEA_ASSIGN_OR_RETURN(auto graph, detail::NodeGraph::create(options, domain));
  return std::unique_ptr<Node>(new Node(std::move(graph)));
}

namespace {

struct TopicAndQos {
  dds_entity_t topic = 0;
  dds_qos_t* qos = nullptr;
};

Result<TopicAndQos> prepare_endpoint(const detail::NodeGraph& g, const MessageType& type, const std::string& ros_topic,
                                     const QosProfile& qos, EndpointKind kind) {
  FOVEA_RETURN_IF_ERROR(validate_qos(qos));
  FOVEA_ASSIGN_OR_RETURN(std::string dds_name, dds_topic_name(ros_topic, g.options().node_namespace));
  FOVEA_ASSIGN_OR_RETURN(std::string user_data, detail::endpoint_user_data_for(type, g.options().distro));
  TopicAndQos out;
  out.topic = dds_create_topic(g.participant(), type.descriptor, dds_name.c_str(), nullptr, nullptr);
  if (out.topic < 0)
    return detail::dds_error(out.topic, fmt::format("creating topic {} ({})", ros_topic, type.ros_name));
  out.qos = make_dds_qos(qos, kind, user_data);
  return out;
}

}  // namespace

Result<std::unique_ptr<TopicWriter>> Node::create_writer(const MessageType& type, const std::string& topic,
                                                         const QosProfile& qos) {
  FOVEA_ASSIGN_OR_RETURN(std::string full, resolve_topic_name(topic, graph_->options().node_namespace));
  FOVEA_ASSIGN_OR_RETURN(TopicAndQos tq, prepare_endpoint(*graph_, type, topic, qos, EndpointKind::kWriter));
  const dds_entity_t writer = dds_create_writer(graph_->participant(), tq.topic, tq.qos, nullptr);
  dds_delete_qos(tq.qos);
  if (writer < 0) {
    dds_delete(tq.topic);
    return detail::dds_error(writer, fmt::format("creating a writer on {}", topic));
  }
  Result<Guid> guid = detail::entity_guid(writer);
  if (!guid.is_ok()) {
    dds_delete(writer);
    dds_delete(tq.topic);
    return guid.status();
  }
  graph_->add_endpoint(EndpointKind::kWriter, *guid);
  return std::make_unique<TopicWriter>(graph_, type, full, tq.topic, writer, *guid);
}

Result<std::unique_ptr<TopicReader>> Node::create_reader(const MessageType& type, const std::string& topic,
                                                         const QosProfile& qos) {
  FOVEA_ASSIGN_OR_RETURN(std::string full, resolve_topic_name(topic, graph_->options().node_namespace));
  FOVEA_ASSIGN_OR_RETURN(TopicAndQos tq, prepare_endpoint(*graph_, type, topic, qos, EndpointKind::kReader));
  const dds_entity_t reader = dds_create_reader(graph_->participant(), tq.topic, tq.qos, nullptr);
  dds_delete_qos(tq.qos);
  if (reader < 0) {
    dds_delete(tq.topic);
    return detail::dds_error(reader, fmt::format("creating a reader on {}", topic));
  }
  Result<Guid> guid = detail::entity_guid(reader);
  if (!guid.is_ok()) {
    dds_delete(reader);
    dds_delete(tq.topic);
    return guid.status();
  }
  graph_->add_endpoint(EndpointKind::kReader, *guid);
  return std::make_unique<TopicReader>(graph_, type, full, tq.topic, reader, *guid);
}

const NodeOptions& Node::options() const { return graph_->options(); }
int Node::domain_id() const { return graph_->domain_id(); }
dds_entity_t Node::participant() const { return graph_->participant(); }
const Guid& Node::participant_guid() const { return graph_->participant_guid(); }
msg::ParticipantEntitiesInfo Node::discovery_info() const { return graph_->discovery_info(); }

}  // namespace fovea::io::ros2
