// The transport in one process: two nodes (two DDS participants) on a private domain exchange
// Images and Detection2DArrays; a third looks at what the graph sees: ros_discovery_info with
// the node's name and endpoint GIDs (24-byte Humble / 16-byte Jazzy layouts), the participant's
// "enclave=/;", Jazzy's type hashes on endpoints, QoS matching rules, and topic type discovery.
#ifdef FOVEA_HAVE_ROS2

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "io/ros2/message_conversion.h"
#include "io/ros2/node.h"
#include "io/ros2/topic_discovery.h"

namespace fovea::io::ros2 {
namespace {

using namespace std::chrono_literals;

// A domain of its own per test process, so parallel test runs do not see each other.
int test_domain() { return 150 + static_cast<int>(getpid() % 60); }

std::unique_ptr<Node> make_node(const std::string& name, Distro distro, const std::string& ns = "/") {
  NodeOptions o;
  o.name = name;
  o.node_namespace = ns;
  o.distro = distro;
  o.domain_id = test_domain();
  Result<std::unique_ptr<Node>> n = Node::create(o);
  EXPECT_TRUE(n.is_ok()) << n.status().to_string();
  return n.is_ok() ? std::move(n).value() : nullptr;
}

std::string unique_topic(const std::string& base) { return "/fovea_test_" + std::to_string(getpid()) + "/" + base; }

template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = 5000ms) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

template <typename Msg>
std::vector<Received<Msg>> receive(Subscription<Msg>& sub, size_t count, std::chrono::milliseconds timeout = 5000ms) {
  std::vector<Received<Msg>> got;
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (got.size() < count && std::chrono::steady_clock::now() < end) {
    if (!sub.wait(100ms)) continue;
    Result<std::vector<Received<Msg>>> r = sub.take();
    EXPECT_TRUE(r.is_ok());
    for (auto& m : *r) got.push_back(std::move(m));
  }
  return got;
}

TEST(Ros2PubSub, ImageRoundTrip) {
  auto a = make_node("camera", Distro::kJazzy);
  auto b = make_node("listener", Distro::kJazzy);
  ASSERT_TRUE(a && b);
  const std::string topic = unique_topic("image_raw");
  auto pub = std::move(a->create_publisher<msg::Image>(topic)).value();           // reliable
  auto sub = std::move(b->create_subscription<msg::Image>(topic)).value();        // best effort
  ASSERT_TRUE(eventually([&] { return pub->matched_subscriptions() == 1 && sub->matched_publications() == 1; }));
  std::vector<uint8_t> pixels(64 * 48 * 3);
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = uint8_t(i * 13);
  vision::ImageView v{pixels.data(), pixels.size(), 64, 48, 192, vision::PixelEncoding::kBgr8};
  msg::Image m = *image_from_view(v, {{1700000000, 123}, "camera"});
  ASSERT_TRUE(pub->publish(m).is_ok());
  auto got = receive(*sub, 1);
  ASSERT_EQ(got.size(), 1u);
  const msg::Image& r = got[0].msg;
  EXPECT_EQ(r.header.stamp.sec, 1700000000);
  EXPECT_EQ(r.header.stamp.nanosec, 123u);
  EXPECT_EQ(r.header.frame_id, "camera");
  EXPECT_EQ(r.encoding, "bgr8");
  EXPECT_EQ(r.width, 64u);
  EXPECT_EQ(r.height, 48u);
  EXPECT_EQ(r.step, 192u);
  EXPECT_EQ(r.data, pixels);
  EXPECT_GT(got[0].meta.source_timestamp_ns, 0);
  EXPECT_GE(got[0].meta.receive_time_ns, got[0].meta.source_timestamp_ns - 1'000'000);
  // And it converts to a frame.
  Result<pipeline::SourceFrame> f =
      image_to_frame(std::make_shared<msg::Image>(std::move(got[0].msg)), topic);
  ASSERT_TRUE(f.is_ok()) << f.status().to_string();
  EXPECT_EQ(f->frame.image.width, 64);
}

TEST(Ros2PubSub, Detection2DArrayRoundTrip) {
  auto a = make_node("detector", Distro::kHumble);
  auto b = make_node("listener", Distro::kHumble);
  ASSERT_TRUE(a && b);
  const std::string topic = unique_topic("detections");
  auto pub = std::move(a->create_publisher<msg::Detection2DArray>(topic)).value();
  auto sub = std::move(b->create_subscription<msg::Detection2DArray>(topic, default_publisher_qos())).value();
  ASSERT_TRUE(eventually([&] { return pub->matched_subscriptions() == 1; }));
  pipeline::FrameResult result;
  result.header = {42'000'000'007, "cam"};
  vision::Detection d;
  d.x1 = 1;
  d.y1 = 2;
  d.x2 = 11;
  d.y2 = 22;
  d.score = 0.5f;
  d.class_id = 3;
  result.detections = {d, d};
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(pub->publish(detections_to_message(result, {}, ClassIdFormat::kIndex)).is_ok());
  auto got = receive(*sub, 3);  // reliable both ways: all three
  ASSERT_EQ(got.size(), 3u);
  const msg::Detection2DArray& m = got[2].msg;
  EXPECT_EQ(m.header.stamp.sec, 42);
  EXPECT_EQ(m.header.stamp.nanosec, 7u);
  ASSERT_EQ(m.detections.size(), 2u);
  EXPECT_EQ(m.detections[1].bbox.center.position.x, 6);
  EXPECT_EQ(m.detections[1].bbox.size_y, 20);
  EXPECT_EQ(m.detections[1].results[0].hypothesis.class_id, "3");
  EXPECT_EQ(m.detections[1].header.frame_id, "cam");
}

// Reads what `observer`'s participant receives on ros_discovery_info and returns the latest
// announcement of the participant `gid`.
std::optional<msg::ParticipantEntitiesInfo> latest_discovery_info(Node& observer, Distro distro, const Guid& gid,
                                                                  dds_entity_t reader) {
  std::optional<msg::ParticipantEntitiesInfo> latest;
  const MessageType& type = participant_entities_info_type(distro);
  void* samples[32] = {};
  dds_sample_info_t infos[32];
  const dds_return_t n = dds_read(reader, samples, infos, 32, 32);
  for (dds_return_t i = 0; i < n; ++i) {
    if (!infos[i].valid_data) continue;
    msg::ParticipantEntitiesInfo info;
    type.read_dds_sample(samples[i], &info);
    if (info.gid.data == gid) latest = info;
  }
  if (n > 0) dds_return_loan(reader, samples, n);
  return latest;
}

void check_discovery_info(Distro distro) {
  auto a = make_node("fovea_cam", distro, "/robot1");
  auto observer = make_node("observer", distro);
  ASSERT_TRUE(a && observer);
  // What rmw's own reader uses: reliable, transient-local (keep-last 1 per participant instance).
  dds_qos_t* q = dds_create_qos();
  dds_qset_reliability(q, DDS_RELIABILITY_RELIABLE, DDS_INFINITY);
  dds_qset_durability(q, DDS_DURABILITY_TRANSIENT_LOCAL);
  dds_qset_history(q, DDS_HISTORY_KEEP_ALL, 0);
  const dds_entity_t topic = dds_create_topic(observer->participant(), participant_entities_info_type(distro).descriptor,
                                              "ros_discovery_info", nullptr, nullptr);
  const dds_entity_t reader = dds_create_reader(observer->participant(), topic, q, nullptr);
  dds_delete_qos(q);
  ASSERT_GT(reader, 0);

  auto pub = std::move(a->create_publisher<msg::Image>(unique_topic("disc_image"))).value();
  auto sub = std::move(a->create_subscription<msg::Detection2DArray>(unique_topic("disc_dets"))).value();
  std::optional<msg::ParticipantEntitiesInfo> info;
  ASSERT_TRUE(eventually([&] {
    auto i = latest_discovery_info(*observer, distro, a->participant_guid(), reader);
    if (i && i->node_entities_info_seq.size() == 1 && i->node_entities_info_seq[0].reader_gid_seq.size() == 1 &&
        i->node_entities_info_seq[0].writer_gid_seq.size() == 1)
      info = i;
    return info.has_value();
  })) << "no complete ros_discovery_info from the node";
  const msg::NodeEntitiesInfo& node = info->node_entities_info_seq[0];
  EXPECT_EQ(node.node_name, "fovea_cam");
  EXPECT_EQ(node.node_namespace, "/robot1");
  EXPECT_EQ(node.writer_gid_seq[0].data, pub->endpoint().guid());
  EXPECT_EQ(node.reader_gid_seq[0].data, sub->endpoint().guid());
  // The GID prefix is the participant's: endpoints and participant share the 12-byte prefix.
  EXPECT_EQ(std::memcmp(node.writer_gid_seq[0].data.data(), a->participant_guid().data(), 12), 0);

  // Removing the subscription republishes without it.
  sub.reset();
  EXPECT_TRUE(eventually([&] {
    auto i = latest_discovery_info(*observer, distro, a->participant_guid(), reader);
    return i && i->node_entities_info_seq.size() == 1 && i->node_entities_info_seq[0].reader_gid_seq.empty() &&
           i->node_entities_info_seq[0].writer_gid_seq.size() == 1;
  }));
}

TEST(Ros2Graph, DiscoveryInfoJazzy) { check_discovery_info(Distro::kJazzy); }
TEST(Ros2Graph, DiscoveryInfoHumble) { check_discovery_info(Distro::kHumble); }

// USER_DATA of a discovered endpoint or participant as a string ("" when absent).
std::string user_data_of(const dds_qos_t* qos) {
  void* data = nullptr;
  size_t size = 0;
  if (qos == nullptr || !dds_qget_userdata(qos, &data, &size) || data == nullptr) return "";
  std::string s(static_cast<char*>(data), size);
  dds_free(data);
  return s;
}

std::string writer_user_data(Node& observer, const Guid& writer) {
  std::string found = "<not discovered>";
  const dds_entity_t r = dds_create_reader(observer.participant(), DDS_BUILTIN_TOPIC_DCPSPUBLICATION, nullptr, nullptr);
  eventually([&] {
    void* samples[64] = {};
    dds_sample_info_t infos[64];
    const dds_return_t n = dds_read(r, samples, infos, 64, 64);
    for (dds_return_t i = 0; i < n; ++i) {
      const auto* ep = static_cast<const dds_builtintopic_endpoint_t*>(samples[i]);
      if (infos[i].valid_data && std::memcmp(ep->key.v, writer.data(), 16) == 0) found = user_data_of(ep->qos);
    }
    if (n > 0) dds_return_loan(r, samples, n);
    return found != "<not discovered>";
  });
  dds_delete(r);
  return found;
}

TEST(Ros2Graph, ParticipantAndEndpointUserData) {
  auto jazzy = make_node("jazzy_node", Distro::kJazzy);
  auto humble = make_node("humble_node", Distro::kHumble);
  auto observer = make_node("observer", Distro::kJazzy);
  ASSERT_TRUE(jazzy && humble && observer);
  auto pj = std::move(jazzy->create_publisher<msg::Image>(unique_topic("ud_image"))).value();
  auto ph = std::move(humble->create_publisher<msg::Image>(unique_topic("ud_image"))).value();
  EXPECT_EQ(writer_user_data(*observer, pj->endpoint().guid()),
            "typehash=RIHS01_d31d41a9a4c4bc8eae9be757b0beed306564f7526c88ea6a4588fb9582527d47;");
  EXPECT_EQ(writer_user_data(*observer, ph->endpoint().guid()), "");

  // The participant's USER_DATA carries the enclave.
  const dds_entity_t r = dds_create_reader(observer->participant(), DDS_BUILTIN_TOPIC_DCPSPARTICIPANT, nullptr, nullptr);
  std::string enclave;
  EXPECT_TRUE(eventually([&] {
    void* samples[32] = {};
    dds_sample_info_t infos[32];
    const dds_return_t n = dds_read(r, samples, infos, 32, 32);
    for (dds_return_t i = 0; i < n; ++i) {
      const auto* p = static_cast<const dds_builtintopic_participant_t*>(samples[i]);
      if (infos[i].valid_data && std::memcmp(p->key.v, jazzy->participant_guid().data(), 16) == 0)
        enclave = user_data_of(p->qos);
    }
    if (n > 0) dds_return_loan(r, samples, n);
    return !enclave.empty();
  }));
  EXPECT_EQ(enclave, "enclave=/;");
  dds_delete(r);
}

TEST(Ros2Graph, TopicTypeDiscovery) {
  auto a = make_node("camera", Distro::kJazzy);
  auto b = make_node("echo", Distro::kJazzy);
  const std::string topic = unique_topic("typed");
  auto pub = std::move(a->create_publisher<msg::Classification>(topic)).value();
  Result<std::vector<DiscoveredPublisher>> found = discover_publishers(*b, topic, 5000ms);
  ASSERT_TRUE(found.is_ok()) << found.status().to_string();
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].ros_type, "vision_msgs/msg/Classification");
  EXPECT_EQ((*found)[0].ros_topic, topic);
  EXPECT_EQ((*found)[0].reliability, Reliability::kReliable);
  EXPECT_EQ((*found)[0].guid, pub->endpoint().guid());
  Result<std::vector<DiscoveredPublisher>> none = discover_publishers(*b, unique_topic("nobody"), 100ms);
  ASSERT_TRUE(none.is_ok());
  EXPECT_TRUE(none->empty());
}

TEST(Ros2Qos, RequestedMoreThanOfferedDoesNotMatch) {
  auto a = make_node("pub", Distro::kJazzy);
  auto b = make_node("sub", Distro::kJazzy);
  const std::string topic = unique_topic("qos");
  QosProfile best_effort = *qos_profile_by_name("sensor_data");
  QosProfile reliable_tl = default_publisher_qos();
  reliable_tl.durability = Durability::kTransientLocal;
  auto weak = std::move(a->create_publisher<msg::Image>(topic, best_effort)).value();
  auto demanding = std::move(b->create_subscription<msg::Image>(topic, reliable_tl)).value();
  auto lenient = std::move(b->create_subscription<msg::Image>(topic)).value();  // best effort, volatile
  ASSERT_TRUE(eventually([&] { return lenient->matched_publications() == 1; }));
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(demanding->matched_publications(), 0);
  EXPECT_EQ(weak->matched_subscriptions(), 1);
}

TEST(Ros2Qos, TransientLocalReachesLateJoiners) {
  auto a = make_node("labels", Distro::kJazzy);
  auto b = make_node("late", Distro::kJazzy);
  const std::string topic = unique_topic("label_info");
  QosProfile latched = default_publisher_qos();
  latched.durability = Durability::kTransientLocal;
  latched.depth = 1;
  auto pub = std::move(a->create_publisher<msg::LabelInfo>(topic, latched)).value();
  ASSERT_TRUE(pub->publish(*label_info_message({"person", "car"}, 0.5f, {})).is_ok());
  auto sub = std::move(b->create_subscription<msg::LabelInfo>(topic, latched)).value();
  auto got = receive(*sub, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].msg.class_map[1].class_name, "car");
}

TEST(Ros2PubSub, InterruptWakesAWaitingSubscription) {
  auto b = make_node("waiter", Distro::kJazzy);
  auto sub = std::move(b->create_subscription<msg::Image>(unique_topic("silent"))).value();
  const auto start = std::chrono::steady_clock::now();
  std::thread t([&] {
    std::this_thread::sleep_for(50ms);
    sub->interrupt();
  });
  EXPECT_FALSE(sub->wait(10s));
  t.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(Ros2PubSub, BadNamesAndQosAreErrors) {
  NodeOptions o;
  o.domain_id = test_domain();
  o.name = "bad-name";
  EXPECT_FALSE(Node::create(o).is_ok());
  o.name = "ok";
  o.node_namespace = "relative";
  EXPECT_FALSE(Node::create(o).is_ok());
  o.node_namespace = "/";
  o.domain_id = 300;
  EXPECT_FALSE(Node::create(o).is_ok());
  auto n = make_node("ok", Distro::kJazzy);
  EXPECT_FALSE(n->create_publisher<msg::Image>("/bad//topic").is_ok());
  QosProfile q = default_publisher_qos();
  q.depth = 0;
  EXPECT_FALSE(n->create_publisher<msg::Image>(unique_topic("q"), q).is_ok());
}

}  // namespace
}  // namespace fovea::io::ros2

#endif  // FOVEA_HAVE_ROS2
