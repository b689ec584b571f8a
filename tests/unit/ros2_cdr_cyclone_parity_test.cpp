// fovea's CDR codec against Cyclone DDS's own stream code (ros2_cyclone_cdr_reference.h), for
// every message type: random messages must serialize to the same bytes (what the transport sends
// is what bags record), and random corruptions of those bytes must be accepted by both or refused
// by both, decoding to the same message when accepted (what a subscription would hand over is
// what a bag replay hands over). Also checks the wire type names of ros_discovery_info.
#ifdef FOVEA_HAVE_ROS2

#include <gtest/gtest.h>

#include <cstdio>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "io/ros2/cdr/cdr_codec.h"
#include "io/ros2/message_type_support.h"
#include "ros2_cyclone_cdr_reference.h"

namespace fovea::io::ros2 {
namespace {

using Bytes = std::vector<uint8_t>;
using Rng = std::mt19937;

int pick(Rng& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
double any_double(Rng& rng) {
  switch (pick(rng, 0, 5)) {
    case 0: return 0.0;
    case 1: return -1.5;
    case 2: return std::numeric_limits<double>::infinity();
    default: return std::uniform_real_distribution<double>(-1e6, 1e6)(rng);
  }
}
// Mostly short printable strings; now and then empty, long, or with a NUL inside (a C string
// ends there, on both sides).
std::string any_string(Rng& rng, int max_len = 12) {
  std::string s(static_cast<size_t>(pick(rng, 0, max_len)), 'a');
  for (char& c : s) c = static_cast<char>(pick(rng, 32, 126));
  if (!s.empty() && pick(rng, 0, 15) == 0) s[static_cast<size_t>(pick(rng, 0, int(s.size()) - 1))] = '\0';
  return s;
}
template <typename T>
void any_vector(Rng& rng, std::vector<T>& v, int max_n, void (*fill)(Rng&, T&)) {
  v.resize(static_cast<size_t>(pick(rng, 0, max_n)));
  for (T& e : v) fill(rng, e);
}

void fill(Rng& r, msg::Time& m) {
  m.sec = static_cast<int32_t>(r());
  m.nanosec = r();
}
void fill(Rng& r, msg::Header& m) {
  fill(r, m.stamp);
  m.frame_id = any_string(r);
}
void fill(Rng& r, msg::Image& m) {
  fill(r, m.header);
  m.height = r() % 5;
  m.width = r() % 7;
  m.encoding = any_string(r, 6);
  m.is_bigendian = static_cast<uint8_t>(r());
  m.step = r();
  m.data.resize(r() % 40);
  for (uint8_t& b : m.data) b = static_cast<uint8_t>(r());
}
void fill(Rng& r, msg::CompressedImage& m) {
  fill(r, m.header);
  m.format = any_string(r);
  m.data.resize(r() % 20);
  for (uint8_t& b : m.data) b = static_cast<uint8_t>(r());
}
void fill(Rng& r, msg::RegionOfInterest& m) {
  m.x_offset = r();
  m.y_offset = r();
  m.height = r();
  m.width = r();
  m.do_rectify = r() % 2;
}
void fill(Rng& r, msg::CameraInfo& m) {
  fill(r, m.header);
  m.height = r();
  m.width = r();
  m.distortion_model = any_string(r);
  m.d.resize(r() % 9);
  for (double& v : m.d) v = any_double(r);
  for (double& v : m.k) v = any_double(r);
  for (double& v : m.r) v = any_double(r);
  for (double& v : m.p) v = any_double(r);
  m.binning_x = r();
  m.binning_y = r();
  fill(r, m.roi);
}
void fill(Rng& r, msg::Point& m) { m = {any_double(r), any_double(r), any_double(r)}; }
void fill(Rng& r, msg::Quaternion& m) { m = {any_double(r), any_double(r), any_double(r), any_double(r)}; }
void fill(Rng& r, msg::Pose& m) {
  fill(r, m.position);
  fill(r, m.orientation);
}
void fill(Rng& r, msg::PoseWithCovariance& m) {
  fill(r, m.pose);
  for (double& v : m.covariance) v = any_double(r);
}
void fill(Rng& r, msg::Point2D& m) { m = {any_double(r), any_double(r)}; }
void fill(Rng& r, msg::Pose2D& m) {
  fill(r, m.position);
  m.theta = any_double(r);
}
void fill(Rng& r, msg::BoundingBox2D& m) {
  fill(r, m.center);
  m.size_x = any_double(r);
  m.size_y = any_double(r);
}
void fill(Rng& r, msg::ObjectHypothesis& m) {
  m.class_id = any_string(r);
  m.score = any_double(r);
}
void fill(Rng& r, msg::ObjectHypothesisWithPose& m) {
  fill(r, m.hypothesis);
  fill(r, m.pose);
}
void fill(Rng& r, msg::Detection2D& m) {
  fill(r, m.header);
  any_vector<msg::ObjectHypothesisWithPose>(r, m.results, 2, fill);
  fill(r, m.bbox);
  m.id = any_string(r);
}
void fill(Rng& r, msg::Detection2DArray& m) {
  fill(r, m.header);
  any_vector<msg::Detection2D>(r, m.detections, 3, fill);
}
void fill(Rng& r, msg::Classification& m) {
  fill(r, m.header);
  any_vector<msg::ObjectHypothesis>(r, m.results, 4, fill);
}
void fill(Rng& r, msg::VisionClass& m) {
  m.class_id = static_cast<uint16_t>(r());
  m.class_name = any_string(r);
}
void fill(Rng& r, msg::LabelInfo& m) {
  fill(r, m.header);
  any_vector<msg::VisionClass>(r, m.class_map, 4, fill);
  m.threshold = static_cast<float>(any_double(r));
}
void fill(Rng& r, msg::Gid& m) {
  for (uint8_t& b : m.data) b = static_cast<uint8_t>(r());
}
void fill(Rng& r, msg::NodeEntitiesInfo& m) {
  m.node_namespace = any_string(r, pick(r, 0, 7) == 0 ? 300 : 12);  // over string<256> at times: cut
  m.node_name = any_string(r, pick(r, 0, 7) == 0 ? 300 : 12);
  any_vector<msg::Gid>(r, m.reader_gid_seq, 3, fill);
  any_vector<msg::Gid>(r, m.writer_gid_seq, 3, fill);
}
void fill(Rng& r, msg::ParticipantEntitiesInfo& m) {
  fill(r, m.gid);
  any_vector<msg::NodeEntitiesInfo>(r, m.node_entities_info_seq, 2, fill);
}

// One random corruption: a byte, a 32-bit length or count, a cut, or bytes appended.
Bytes corrupt(const Bytes& good, Rng& r) {
  Bytes b = good;
  const size_t body = b.size() - 4;
  switch (pick(r, 0, 4)) {
    case 0:
      if (body > 0) b[4 + r() % body] = static_cast<uint8_t>(r());
      break;
    case 1:
      if (body >= 4) {
        const size_t at = 4 + (r() % (body / 4)) * 4;
        const uint32_t v = pick(r, 0, 1) ? r() : static_cast<uint32_t>(pick(r, 0, 400));
        for (int i = 0; i < 4; ++i) b[at + i] = static_cast<uint8_t>(v >> (8 * i));
      }
      break;
    case 2: b.resize(4 + (body == 0 ? 0 : r() % body)); break;
    case 3:
      for (int i = pick(r, 1, 9); i > 0; --i) b.push_back(static_cast<uint8_t>(r()));
      break;
    default:
      for (int i = 0; i < 3 && body > 0; ++i) b[4 + r() % body] = pick(r, 0, 1) ? 0 : 0xff;
      break;
  }
  return b;
}

struct Tally {
  int messages = 0, corruptions = 0, both_accepted = 0, both_refused = 0;
};

// The transport's type of a message (serialize<ParticipantEntitiesInfo> is the Jazzy layout).
template <typename Msg>
const MessageType& transport_type() {
  if constexpr (std::is_same_v<Msg, msg::ParticipantEntitiesInfo>) return participant_entities_info_type(Distro::kJazzy);
  else return message_type<Msg>();
}

template <typename Msg>
void check_type(int messages, int corruptions_each, Tally& tally) {
  const MessageType& type = transport_type<Msg>();
  Rng rng(static_cast<uint32_t>(std::hash<std::string_view>{}(ros_type_name_of<Msg>())));
  for (int i = 0; i < messages; ++i) {
    Msg m;
    fill(rng, m);
    Result<Bytes> ours = serialize(m);
    std::optional<Bytes> theirs = cyclone_reference::serialize(type, &m);
    ASSERT_TRUE(ours.is_ok()) << ours.status().to_string();
    ASSERT_TRUE(theirs.has_value()) << type.ros_name;
    ASSERT_EQ(*ours, *theirs) << type.ros_name << ": message " << i << " serializes differently";
    ++tally.messages;
    for (int c = 0; c < corruptions_each; ++c) {
      const Bytes bad = corrupt(*ours, rng);
      Result<Msg> mine = deserialize<Msg>(bad);
      Msg cyclone_msg;
      const bool cyclone_ok = cyclone_reference::deserialize(type, bad, &cyclone_msg);
      ASSERT_EQ(mine.is_ok(), cyclone_ok) << type.ros_name << ": message " << i << ", corruption " << c << ": fovea "
                                          << (mine.is_ok() ? "accepts" : mine.status().message()) << ", Cyclone "
                                          << (cyclone_ok ? "accepts" : "refuses");
      ++tally.corruptions;
      if (!cyclone_ok) {
        ++tally.both_refused;
        continue;
      }
      ++tally.both_accepted;
      ASSERT_EQ(*serialize(*mine), *serialize(cyclone_msg))
          << type.ros_name << ": message " << i << ", corruption " << c << " decodes differently";
    }
  }
}

TEST(Ros2CdrCycloneParity, EveryTypeSerializesAndValidatesAsCyclone) {
  Tally tally;
#define FOVEA_CHECK_TYPE(T, NAME) \
  check_type<msg::T>(60, 25, tally); \
  if (HasFatalFailure()) return;
  FOVEA_ROS2_CDR_MESSAGES(FOVEA_CHECK_TYPE)
#undef FOVEA_CHECK_TYPE
  // Both outcomes must actually occur, or the corruptions test nothing.
  EXPECT_GT(tally.both_accepted, tally.corruptions / 10);
  EXPECT_GT(tally.both_refused, tally.corruptions / 10);
  std::printf("parity: %d messages, %d corruptions (%d accepted by both, %d refused by both)\n", tally.messages,
              tally.corruptions, tally.both_accepted, tally.both_refused);
}

// string<256> around its bound, written by hand (random corruptions seldom hit it): 256
// characters are accepted by both, 257 refused by both.
TEST(Ros2CdrCycloneParity, BoundedStringsAtTheirBound) {
  for (uint32_t chars = 250; chars <= 260; ++chars) {
    Bytes b = {0x00, 0x01, 0x00, 0x00, 2, 0, 0, 0, '/', 0, 0, 0};  // node_namespace "/", pad
    const uint32_t len = chars + 1;
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<uint8_t>(len >> (8 * i)));
    b.insert(b.end(), chars, 'n');
    b.push_back(0);
    while ((b.size() - 4) % 4 != 0) b.push_back(0);
    b.insert(b.end(), 8, 0);  // two empty GID sequences
    Result<msg::NodeEntitiesInfo> mine = deserialize<msg::NodeEntitiesInfo>(b);
    msg::NodeEntitiesInfo theirs;
    const bool cyclone_ok = cyclone_reference::deserialize(message_type<msg::NodeEntitiesInfo>(), b, &theirs);
    EXPECT_EQ(mine.is_ok(), cyclone_ok) << chars << " characters";
    EXPECT_EQ(cyclone_ok, chars <= 256) << chars << " characters";
    if (mine.is_ok() && cyclone_ok) {
      EXPECT_EQ(mine->node_name, theirs.node_name);
    }
  }
}

TEST(Ros2CdrCycloneParity, DiscoveryInfoInBothGidLayouts) {
  Rng rng(7);
  for (Distro distro : {Distro::kHumble, Distro::kJazzy}) {
    const MessageType& type = participant_entities_info_type(distro);
    // Both layouts carry the same ROS type name on the wire.
    EXPECT_STREQ(type.descriptor->m_typename, "rmw_dds_common::msg::dds_::ParticipantEntitiesInfo_");
    const size_t gid_bytes = gid_wire_size(distro);
    for (int i = 0; i < 100; ++i) {
      msg::ParticipantEntitiesInfo m;
      fill(rng, m);
      Result<Bytes> ours = serialize_participant_entities_info(m, gid_bytes);
      ASSERT_TRUE(ours.is_ok());
      ASSERT_EQ(*ours, *cyclone_reference::serialize(type, &m)) << distro_name(distro) << " message " << i;
      for (int c = 0; c < 20; ++c) {
        const Bytes bad = corrupt(*ours, rng);
        Result<msg::ParticipantEntitiesInfo> mine = deserialize_participant_entities_info(bad, gid_bytes);
        msg::ParticipantEntitiesInfo theirs;
        const bool cyclone_ok = cyclone_reference::deserialize(type, bad, &theirs);
        ASSERT_EQ(mine.is_ok(), cyclone_ok) << distro_name(distro) << " message " << i << " corruption " << c << ": "
                                            << (mine.is_ok() ? "fovea accepts" : mine.status().message());
        if (cyclone_ok) {
          ASSERT_EQ(*serialize(*mine), *serialize(theirs));
        }
      }
    }
  }
}

}  // namespace
}  // namespace fovea::io::ros2

#endif  // FOVEA_HAVE_ROS2
