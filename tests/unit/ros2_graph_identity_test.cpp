// What makes a ROS 2 graph see fovea as a node: GID layouts per distro, USER_DATA strings, the
// RIHS01 type hashes (checked against the values rosidl generates, from the reference's table,
// which were themselves found in rosidl-generated *__description.c files), and QoS profiles.
#ifdef FOVEA_HAVE_ROS2

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "io/ros2/graph_identity.h"
#include "io/ros2/qos_profile.h"
#include "io/ros2/type_hash.h"

namespace fovea::io::ros2 {
namespace {

TEST(Ros2GraphIdentity, GidLayoutPerDistro) {
  Guid g;
  for (int i = 0; i < 16; ++i) g[i] = uint8_t(0xa0 + i);
  const std::vector<uint8_t> humble = gid_wire_bytes(g, Distro::kHumble);
  const std::vector<uint8_t> jazzy = gid_wire_bytes(g, Distro::kJazzy);
  ASSERT_EQ(humble.size(), 24u);
  ASSERT_EQ(jazzy.size(), 16u);
  for (int i = 0; i < 16; ++i) {
    EXPECT_EQ(humble[i], 0xa0 + i);
    EXPECT_EQ(jazzy[i], 0xa0 + i);
  }
  for (int i = 16; i < 24; ++i) EXPECT_EQ(humble[i], 0) << "padding byte " << i;
  EXPECT_EQ(format_guid(g), "a0.a1.a2.a3.a4.a5.a6.a7.a8.a9.aa.ab.ac.ad.ae.af");
}

TEST(Ros2GraphIdentity, Distros) {
  EXPECT_EQ(*parse_distro("humble"), Distro::kHumble);
  EXPECT_EQ(*parse_distro("jazzy"), Distro::kJazzy);
  EXPECT_EQ(*parse_distro("rolling"), Distro::kJazzy);
  EXPECT_FALSE(parse_distro("foxy").is_ok());
  EXPECT_EQ(distro_name(Distro::kHumble), "humble");
}

TEST(Ros2GraphIdentity, UserData) {
  EXPECT_EQ(kParticipantUserData, "enclave=/;");
  EXPECT_EQ(endpoint_user_data("RIHS01_00ff"), "typehash=RIHS01_00ff;");
}

TEST(Ros2TypeHash, MatchesRosidlForEveryType) {
  // ../shared/reference/ros2-wire.md §3 (Jazzy definitions; rmw_dds_common with 16-byte GIDs).
  const std::pair<const char*, const char*> expected[] = {
      {"builtin_interfaces/msg/Time", "b106235e25a4c5ed35098aa0a61a3ee9c9b18d197f398b0e4206cea9acf9c197"},
      {"std_msgs/msg/Header", "f49fb3ae2cf070f793645ff749683ac6b06203e41c891e17701b1cb597ce6a01"},
      {"sensor_msgs/msg/Image", "d31d41a9a4c4bc8eae9be757b0beed306564f7526c88ea6a4588fb9582527d47"},
      {"sensor_msgs/msg/CompressedImage", "15640771531571185e2efc8a100baf923961a4d15d5569652e6cb6691e8e371a"},
      {"sensor_msgs/msg/CameraInfo", "b3dfd68ff46c9d56c80fd3bd4ed22c7a4ddce8c8348f2f59c299e73118e7e275"},
      {"sensor_msgs/msg/RegionOfInterest", "ad16bcba5f9131dcdba6fbded19f726f5440e3c513b4fb586dd3027eeed8abb1"},
      {"vision_msgs/msg/Detection2DArray", "214274120007f4a683866481336b70310268cfa107aebe9d594a6acf75bda968"},
      {"vision_msgs/msg/Detection2D", "0d12b69df5c593b3455b7346fac8205437a7d4bcb09b9e0e0b2dde787ded38ea"},
      {"vision_msgs/msg/Classification", "f74db28d0eaef3afb78f48bf2161cd709a1383a0309d3454383b25be11345143"},
      {"vision_msgs/msg/LabelInfo", "3d37df4015cdf660cc851c51897f2acd957e1ca6205ba0a99aebffb9406b0783"},
      {"rmw_dds_common/msg/ParticipantEntitiesInfo", "91a0593bacdcc50ea9bdcf849a938b128412cc1ea821245c663bcd26f83c295e"},
      {"vision_msgs/msg/Pose2D", "b0b5d1d7b4c20dd4fcde3ed1d4b289a919290572007d67a97043814db25d3648"},
      {"vision_msgs/msg/BoundingBox2D", "008eacbb0cf8f26e83795547bed013eec3675485ef386ec056d80eaaf1c1ce2f"},
      {"vision_msgs/msg/ObjectHypothesisWithPose", "41c12344c0396c48b81df12467c192d99b2a0eb1463c5c37194e4223251c80bc"},
      {"vision_msgs/msg/VisionClass", "1e4a11f0fed50b5623cb8ff26ca0e37952a48a9c074d16f804b44e9164c2037a"},
  };
  for (const auto& [type, hex] : expected) {
    Result<std::string> h = type_hash(type);
    ASSERT_TRUE(h.is_ok()) << type << ": " << h.status().to_string();
    EXPECT_EQ(*h, std::string("RIHS01_") + hex) << type;
  }
  EXPECT_FALSE(type_hash("sensor_msgs/msg/Imu").is_ok());
}

TEST(Ros2TypeHash, HashedTextIsRosidlsJson) {
  EXPECT_EQ(*type_description_json("builtin_interfaces/msg/Time"),
            R"({"type_description": {"type_name": "builtin_interfaces/msg/Time", "fields": [{"name": "sec", "type": )"
            R"({"type_id": 6, "capacity": 0, "string_capacity": 0, "nested_type_name": ""}}, {"name": "nanosec", )"
            R"("type": {"type_id": 7, "capacity": 0, "string_capacity": 0, "nested_type_name": ""}}]}, )"
            R"("referenced_type_descriptions": []})");
  // Referenced types come sorted by name, each once.
  const std::string j = *type_description_json("vision_msgs/msg/Detection2DArray");
  const size_t builtin = j.find(R"("type_name": "builtin_interfaces/msg/Time")");
  const size_t geometry = j.find(R"("type_name": "geometry_msgs/msg/Point")");
  const size_t std_header = j.find(R"("type_name": "std_msgs/msg/Header")");
  const size_t vision = j.find(R"("type_name": "vision_msgs/msg/BoundingBox2D")");
  EXPECT_LT(builtin, geometry);
  EXPECT_LT(geometry, std_header);
  EXPECT_LT(std_header, vision);
  EXPECT_EQ(j.find(R"("type_name": "std_msgs/msg/Header")", std_header + 1), std::string::npos);
  // SHA-256 itself: the FIPS 180-2 "abc" vector.
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Ros2Qos, Profiles) {
  QosProfile s = *qos_profile_by_name("sensor_data");
  EXPECT_EQ(s.reliability, Reliability::kBestEffort);
  EXPECT_EQ(s.durability, Durability::kVolatile);
  EXPECT_EQ(s.history, History::kKeepLast);
  EXPECT_EQ(s.depth, 5);
  QosProfile d = *qos_profile_by_name("default");
  EXPECT_EQ(d.reliability, Reliability::kReliable);
  EXPECT_EQ(d.depth, 10);
  EXPECT_EQ(qos_profile_by_name("parameters")->depth, 1000);
  EXPECT_EQ(qos_profile_by_name("services_default")->reliability, Reliability::kReliable);
  EXPECT_EQ(qos_profile_by_name("system_default")->reliability, Reliability::kSystemDefault);
  EXPECT_FALSE(qos_profile_by_name("fast").is_ok());
  // fovea's defaults: subscribe best-effort volatile, publish reliable.
  EXPECT_EQ(default_subscription_qos().reliability, Reliability::kBestEffort);
  EXPECT_EQ(default_subscription_qos().durability, Durability::kVolatile);
  EXPECT_EQ(default_publisher_qos().reliability, Reliability::kReliable);
}

TEST(Ros2Qos, FromYaml) {
  QosProfile q = *qos_from_yaml(YAML::Load("{profile: sensor_data, depth: 2, durability: transient_local, "
                                           "deadline_ms: 50}"),
                                default_publisher_qos());
  EXPECT_EQ(q.reliability, Reliability::kBestEffort);
  EXPECT_EQ(q.depth, 2);
  EXPECT_EQ(q.durability, Durability::kTransientLocal);
  EXPECT_EQ(q.deadline_ms, 50);
  EXPECT_EQ(describe_qos(q), "best_effort, transient_local, keep_last 2, deadline 50 ms");
  q = *qos_from_yaml(YAML::Load("{reliability: reliable, history: keep_all}"), default_subscription_qos());
  EXPECT_EQ(q.reliability, Reliability::kReliable);
  EXPECT_EQ(q.history, History::kKeepAll);
  for (const char* bad : {"{reliability: sometimes}", "{depth: -1}", "{history: keep_last, depth: 0}",
                          "{deadline_ms: -5}", "{colour: red}", "{depth: many}", "[1, 2]"}) {
    Result<QosProfile> r = qos_from_yaml(YAML::Load(bad), default_publisher_qos());
    EXPECT_FALSE(r.is_ok()) << bad;
  }
  Result<QosProfile> r = qos_from_yaml(YAML::Load("{colour: red}"), default_publisher_qos());
  EXPECT_NE(r.status().message().find("qos.colour"), std::string::npos) << r.status().message();
}

TEST(Ros2Qos, CommandLineOverrides) {
  QosOverrides o;
  EXPECT_EQ(describe_qos(*apply_qos_overrides(o, default_subscription_qos())), "best_effort, volatile, keep_last 5");
  o.profile = "default";
  o.durability = "transient_local";
  o.depth = 1;
  EXPECT_EQ(describe_qos(*apply_qos_overrides(o, default_subscription_qos())), "reliable, transient_local, keep_last 1");
  o.reliability = "maybe";
  Result<QosProfile> bad = apply_qos_overrides(o, default_subscription_qos());
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("maybe"), std::string::npos);
}

TEST(Ros2Qos, DdsQosAsRmwCycloneddsSetsIt) {
  QosProfile q = *qos_profile_by_name("default");
  q.durability = Durability::kTransientLocal;
  q.deadline_ms = 100;
  dds_qos_t* dq = make_dds_qos(q, EndpointKind::kWriter, "typehash=RIHS01_ab;");
  dds_reliability_kind_t rel;
  dds_duration_t blocking;
  ASSERT_TRUE(dds_qget_reliability(dq, &rel, &blocking));
  EXPECT_EQ(rel, DDS_RELIABILITY_RELIABLE);
  EXPECT_EQ(blocking, DDS_INFINITY);
  dds_durability_kind_t dur;
  ASSERT_TRUE(dds_qget_durability(dq, &dur));
  EXPECT_EQ(dur, DDS_DURABILITY_TRANSIENT_LOCAL);
  dds_history_kind_t hist;
  int32_t depth;
  ASSERT_TRUE(dds_qget_history(dq, &hist, &depth));
  EXPECT_EQ(hist, DDS_HISTORY_KEEP_LAST);
  EXPECT_EQ(depth, 10);
  dds_duration_t deadline;
  ASSERT_TRUE(dds_qget_deadline(dq, &deadline));
  EXPECT_EQ(deadline, DDS_MSECS(100));
  uint32_t n = 0;
  dds_data_representation_id_t* ids = nullptr;
  ASSERT_TRUE(dds_qget_data_representation(dq, &n, &ids));
  ASSERT_EQ(n, 1u);
  EXPECT_EQ(ids[0], DDS_DATA_REPRESENTATION_XCDR1);
  dds_free(ids);
  void* ud = nullptr;
  size_t ud_size = 0;
  ASSERT_TRUE(dds_qget_userdata(dq, &ud, &ud_size));
  EXPECT_EQ(std::string(static_cast<char*>(ud), ud_size), "typehash=RIHS01_ab;");
  dds_free(ud);
  bool autodispose = true;
  ASSERT_TRUE(dds_qget_writer_data_lifecycle(dq, &autodispose));
  EXPECT_FALSE(autodispose);
  dds_delete_qos(dq);

  // sensor_data reader: best effort; system_default depth 0 becomes KEEP_LAST 1.
  dq = make_dds_qos(*qos_profile_by_name("system_default"), EndpointKind::kReader, "");
  EXPECT_FALSE(dds_qget_reliability(dq, &rel, &blocking));  // left to DDS
  ASSERT_TRUE(dds_qget_history(dq, &hist, &depth));
  EXPECT_EQ(depth, 1);
  EXPECT_FALSE(dds_qget_userdata(dq, &ud, &ud_size));
  dds_delete_qos(dq);
}

}  // namespace
}  // namespace fovea::io::ros2

#endif  // FOVEA_HAVE_ROS2
