// MCAP write -> read round trips for every chunk compression: the same messages come back in
// log-time order with their topics, schemas, channel metadata and statistics; topic filters,
// rewinding, and a bag without its summary (scanned linearly) read the same.
#include <gtest/gtest.h>

#include <algorithm>

#include "io/mcap/mcap_compression.h"
#include "io/mcap/ros2_message_definitions.h"
#include "mcap_test_files.h"

namespace fovea::io::mcap {
namespace {

class McapRoundTrip : public McapTempDir, public ::testing::WithParamInterface<Compression> {};

std::vector<SampleMessage> by_log_time(std::vector<SampleMessage> m) {
  std::stable_sort(m.begin(), m.end(), [](const SampleMessage& a, const SampleMessage& b) { return a.log_time < b.log_time; });
  return m;
}

void expect_same(const std::vector<SampleMessage>& got, const std::vector<SampleMessage>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].topic, want[i].topic) << "message " << i;
    EXPECT_EQ(got[i].log_time, want[i].log_time) << "message " << i;
    EXPECT_EQ(got[i].data, want[i].data) << "message " << i;
  }
}

TEST_P(McapRoundTrip, MessagesComeBackInLogTimeOrder) {
  if (!compression_available(GetParam())) GTEST_SKIP() << compression_name(GetParam()) << " not built in";
  const auto messages = sample_messages();
  ASSERT_TRUE(write_sample_bag(path("a.mcap"), GetParam(), messages));
  auto reader = McapReader::open(path("a.mcap"));
  ASSERT_TRUE(reader.is_ok()) << reader.status().message();
  McapReader& r = **reader;
  EXPECT_TRUE(r.indexed());
  EXPECT_EQ(r.header().profile, "ros2");
  EXPECT_EQ(r.header().library.rfind("fovea ", 0), 0u) << r.header().library;
  expect_same(read_all(r), by_log_time(messages));
  EXPECT_EQ(r.stats().dropped(), 0u);
  EXPECT_FALSE(r.stats().data_crc_mismatch);
  EXPECT_FALSE(r.stats().summary_unusable);

  ASSERT_EQ(r.schemas().size(), 2u);
  const ChannelRecord* a = r.find_channel("/a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->message_encoding, "cdr");
  EXPECT_EQ(a->metadata.at("offered_qos_profiles"), "");
  const SchemaRecord* sa = r.schema_of(*a);
  ASSERT_NE(sa, nullptr);
  EXPECT_EQ(sa->name, "test_msgs/msg/A");
  EXPECT_EQ(sa->encoding, "ros2msg");
  EXPECT_EQ(std::string(sa->data.begin(), sa->data.end()), "uint8[] data\n");

  ASSERT_TRUE(r.statistics().has_value());
  const StatisticsRecord& s = *r.statistics();
  EXPECT_EQ(s.message_count, messages.size());
  EXPECT_EQ(s.message_start_time, 1000u);
  EXPECT_EQ(s.message_end_time, 1000u + 39 * 10);
  EXPECT_GT(s.chunk_count, 3u);  // 1 KiB chunks: the messages span several
  EXPECT_EQ(r.message_count("/b"), 14);
  EXPECT_EQ(r.message_count("/a"), 26);
  EXPECT_EQ(r.message_count("/missing"), -1);
}

TEST_P(McapRoundTrip, TopicFilterAndRewind) {
  if (!compression_available(GetParam())) GTEST_SKIP() << compression_name(GetParam()) << " not built in";
  const auto messages = sample_messages();
  ASSERT_TRUE(write_sample_bag(path("a.mcap"), GetParam(), messages));
  auto reader = McapReader::open(path("a.mcap"));
  ASSERT_TRUE(reader.is_ok()) << reader.status().message();
  (*reader)->set_topic_filter({"/b"});
  std::vector<SampleMessage> only_b;
  for (const auto& m : by_log_time(messages))
    if (m.topic == "/b") only_b.push_back(m);
  expect_same(read_all(**reader), only_b);
  (*reader)->rewind();
  expect_same(read_all(**reader), only_b);
  (*reader)->set_topic_filter({});
  expect_same(read_all(**reader), by_log_time(messages));
}

TEST_P(McapRoundTrip, WithoutSummaryTheLinearScanReadsTheSame) {
  if (!compression_available(GetParam())) GTEST_SKIP() << compression_name(GetParam()) << " not built in";
  const auto messages = sample_messages();
  ASSERT_TRUE(write_sample_bag(path("a.mcap"), GetParam(), messages));
  std::vector<uint8_t> bytes = read_bytes(path("a.mcap"));
  // Cut right after DataEnd (the Footer's summary_start points there): what a recorder that died
  // before writing its summary leaves.
  const uint64_t summary_start = load_u64(bytes.data() + bytes.size() - 8 - 20);
  bytes.resize(summary_start);
  auto reader = McapReader::open_memory(bytes);
  ASSERT_TRUE(reader.is_ok()) << reader.status().message();
  EXPECT_FALSE((*reader)->indexed());
  expect_same(read_all(**reader), by_log_time(messages));
  EXPECT_EQ((*reader)->stats().dropped(), 0u);
  EXPECT_FALSE((*reader)->stats().truncated);  // it ends with DataEnd
  EXPECT_FALSE((*reader)->stats().data_crc_mismatch);
  EXPECT_EQ((*reader)->channels().size(), 2u);
}

TEST_P(McapRoundTrip, EmptyBagAndSingleChunk) {
  if (!compression_available(GetParam())) GTEST_SKIP() << compression_name(GetParam()) << " not built in";
  ASSERT_TRUE(write_sample_bag(path("empty.mcap"), GetParam(), {}));
  auto empty = McapReader::open(path("empty.mcap"));
  ASSERT_TRUE(empty.is_ok()) << empty.status().message();
  EXPECT_TRUE(read_all(**empty).empty());
  EXPECT_EQ((*empty)->channels().size(), 2u);  // defined in the one chunk, listed in the summary
  EXPECT_EQ((*empty)->message_count("/a"), 0);

  const auto messages = sample_messages();
  ASSERT_TRUE(write_sample_bag(path("one.mcap"), GetParam(), messages, uint64_t{1} << 30));
  auto one = McapReader::open(path("one.mcap"));
  ASSERT_TRUE(one.is_ok()) << one.status().message();
  EXPECT_EQ((*one)->statistics()->chunk_count, 1u);
  expect_same(read_all(**one), by_log_time(messages));
}

INSTANTIATE_TEST_SUITE_P(Compressions, McapRoundTrip,
                         ::testing::Values(Compression::kNone, Compression::kLz4, Compression::kZstd),
                         [](const auto& info) { return info.param == Compression::kNone ? std::string("none") : std::string(compression_name(info.param)); });

TEST(McapCompression, RoundTripsAndRejectsWrongSizes) {
  std::vector<uint8_t> data(100000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>((i * i) >> 7);
  for (Compression c : {Compression::kNone, Compression::kLz4, Compression::kZstd}) {
    if (!compression_available(c)) continue;
    SCOPED_TRACE(std::string(compression_name(c)));
    auto packed = compress(c, data);
    ASSERT_TRUE(packed.is_ok()) << packed.status().message();
    auto back = decompress(c, *packed, data.size(), uint64_t{1} << 30);
    ASSERT_TRUE(back.is_ok()) << back.status().message();
    EXPECT_EQ(*back, data);
    EXPECT_FALSE(decompress(c, *packed, data.size() - 1, uint64_t{1} << 30).is_ok()) << "claims fewer bytes than it holds";
    EXPECT_FALSE(decompress(c, *packed, data.size() + 1, uint64_t{1} << 30).is_ok()) << "claims more bytes than it holds";
    EXPECT_EQ(decompress(c, *packed, data.size(), 1000).status().code(), StatusCode::kOutOfRange);
    std::vector<uint8_t> cut(packed->begin(), packed->begin() + static_cast<ptrdiff_t>(packed->size() / 2));
    EXPECT_FALSE(decompress(c, cut, data.size(), uint64_t{1} << 30).is_ok()) << "truncated";
  }
  EXPECT_EQ(parse_compression("brotli").status().code(), StatusCode::kUnsupported);
}

// The schema text of a ROS type is rosbag2's: the .msg, then each dependency after a line of 80
// '=' and "MSG: pkg/Type", depth first in sorted order, each type once.
TEST(McapMessageDefinitions, ComposedAsRosbag2Does) {
  const std::string sep = "\n" + std::string(80, '=') + "\n";
  auto image = ros2msg_definition("sensor_msgs/msg/Image");
  ASSERT_TRUE(image.has_value());
  EXPECT_EQ(*image,
            "std_msgs/Header header\nuint32 height\nuint32 width\nstring encoding\nuint8 is_bigendian\nuint32 step\nuint8[] data\n" +
                sep + "MSG: std_msgs/Header\nbuiltin_interfaces/Time stamp\nstring frame_id\n" + sep +
                "MSG: builtin_interfaces/Time\nint32 sec\nuint32 nanosec\n");
  auto det = ros2msg_definition("vision_msgs/msg/Detection2DArray");
  ASSERT_TRUE(det.has_value());
  std::vector<std::string> order;
  for (size_t at = det->find("MSG: "); at != std::string::npos; at = det->find("MSG: ", at + 1))
    order.push_back(det->substr(at + 5, det->find('\n', at) - at - 5));
  const std::vector<std::string> want = {"std_msgs/Header", "builtin_interfaces/Time", "vision_msgs/Detection2D",
                                         "vision_msgs/BoundingBox2D", "vision_msgs/Pose2D", "vision_msgs/Point2D",
                                         "vision_msgs/ObjectHypothesisWithPose", "geometry_msgs/PoseWithCovariance",
                                         "geometry_msgs/Pose", "geometry_msgs/Point", "geometry_msgs/Quaternion",
                                         "vision_msgs/ObjectHypothesis"};
  EXPECT_EQ(order, want);
  EXPECT_FALSE(ros2msg_definition("sensor_msgs/msg/PointCloud2").has_value());
  EXPECT_EQ(ros2_type_hash("sensor_msgs/msg/Image").value_or(""),
            "RIHS01_d31d41a9a4c4bc8eae9be757b0beed306564f7526c88ea6a4588fb9582527d47");
}

}  // namespace
}  // namespace fovea::io::mcap
