// Malformed CDR never crashes or over-reads: truncated buffers, lengths past the end, absurd
// sequence counts, strings without their NUL or over their bound, bad booleans, wrong
// encapsulations, and random bytes for every type. The codec checks what Cyclone checks in samples
// from the network (ros2_cdr_cyclone_parity_test.cpp compares the two), so this is also what a
// hostile publisher can do to a subscription, or a damaged bag to a replay.

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "io/ros2/cdr/cdr_codec.h"

namespace fovea::io::ros2 {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes valid_image_bytes() {
  msg::Image m;
  m.header = {{1, 2}, "cam"};
  m.height = 1;
  m.width = 1;
  m.encoding = "rgb8";
  m.step = 3;
  m.data = {1, 2, 3};
  return *serialize(m);
}

void put_u32(Bytes& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = uint8_t(v >> (8 * i));
}

TEST(Ros2CdrMalformed, EveryTruncationOfAnImageIsAnError) {
  const Bytes full = valid_image_bytes();
  ASSERT_EQ(full.size(), 51u);
  for (size_t n = 0; n < full.size(); ++n) {
    Result<msg::Image> r = deserialize<msg::Image>(std::span(full.data(), n));
    EXPECT_FALSE(r.is_ok()) << "a " << n << "-byte prefix decoded";
  }
  EXPECT_TRUE(deserialize<msg::Image>(full).is_ok());
}

TEST(Ros2CdrMalformed, LengthsPastTheEnd) {
  // Image data count (body offset 40, byte 44) larger than what follows.
  Bytes b = valid_image_bytes();
  put_u32(b, 44, 4);
  Result<msg::Image> r = deserialize<msg::Image>(b);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("sensor_msgs/msg/Image"), std::string::npos) << r.status().message();
  // frame_id length (byte 12) past the end.
  b = valid_image_bytes();
  put_u32(b, 12, 1000);
  EXPECT_FALSE(deserialize<msg::Image>(b).is_ok());
}

TEST(Ros2CdrMalformed, AbsurdCountsAreRefusedBeforeAllocating) {
  Bytes b = valid_image_bytes();
  put_u32(b, 44, 0xffffffffu);  // 4 GiB of pixels
  EXPECT_FALSE(deserialize<msg::Image>(b).is_ok());
  // 2^31 detections in a Detection2DArray of 24 bytes.
  msg::Detection2DArray a;
  a.header = {{1, 2}, "cam"};
  Bytes d = *serialize(a);
  put_u32(d, 4 + 16, 0x7fffffffu);
  EXPECT_FALSE(deserialize<msg::Detection2DArray>(d).is_ok());
  // A CameraInfo whose d count claims 2^28 doubles.
  msg::CameraInfo ci;
  Bytes c = *serialize(ci);
  // stamp 0..8, frame_id "" 8..13, pad 3; height 16, width 20, distortion_model "" 24..29, pad 3;
  // d count at 32.
  put_u32(c, 4 + 32, 1u << 28);
  EXPECT_FALSE(deserialize<msg::CameraInfo>(c).is_ok());
}

TEST(Ros2CdrMalformed, StringsWithoutNulOrEmptyOrOverTheirBound) {
  // frame_id "cam" with length 4 but no NUL at the end.
  Bytes b = valid_image_bytes();
  b[4 + 15] = 'x';
  EXPECT_FALSE(deserialize<msg::Image>(b).is_ok());
  // A string of length 0 (CDR strings always carry their NUL).
  Bytes h = {0x00, 0x01, 0x00, 0x00, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_FALSE(deserialize<msg::Header>(h).is_ok());
  // node_name is string<256>: 300 characters are refused.
  msg::NodeEntitiesInfo n;
  n.node_namespace = "/";
  n.node_name = "fovea";
  Bytes ok = *serialize(n);
  Bytes longer(ok.begin(), ok.begin() + 4 + 8);  // encapsulation + namespace ("/" and pad)
  const Bytes name_len = {0x2d, 0x01, 0x00, 0x00};  // 301 = 300 characters + NUL
  longer.insert(longer.end(), name_len.begin(), name_len.end());
  longer.insert(longer.end(), 300, 'a');
  longer.push_back(0);
  longer.insert(longer.end(), 3, 0);                     // pad to 4
  longer.insert(longer.end(), {0, 0, 0, 0, 0, 0, 0, 0});  // two empty GID sequences
  EXPECT_FALSE(deserialize<msg::NodeEntitiesInfo>(longer).is_ok());
  // Writing one cuts it at the bound (nodes refuse names over 255 characters beforehand).
  n.node_name = std::string(300, 'a');
  Result<msg::NodeEntitiesInfo> cut = deserialize<msg::NodeEntitiesInfo>(*serialize(n));
  ASSERT_TRUE(cut.is_ok()) << cut.status().to_string();
  EXPECT_EQ(cut->node_name, std::string(256, 'a'));
}

TEST(Ros2CdrMalformed, BooleansOtherThanZeroOrOne) {
  Bytes b = *serialize(msg::RegionOfInterest{1, 2, 3, 4, true});
  b.back() = 2;
  EXPECT_FALSE(deserialize<msg::RegionOfInterest>(b).is_ok());
}

TEST(Ros2CdrMalformed, EncapsulationHeaders) {
  EXPECT_FALSE(deserialize<msg::Time>(Bytes{}).is_ok());
  EXPECT_FALSE(deserialize<msg::Time>(Bytes{0x00, 0x01, 0x00}).is_ok());
  // XCDR2 (PLAIN_CDR2_LE = 00 07) and PL_CDR (00 03) are not what ROS 2 sends.
  Result<msg::Time> x2 = deserialize<msg::Time>(Bytes{0x00, 0x07, 0x00, 0x00, 1, 0, 0, 0, 2, 0, 0, 0});
  ASSERT_FALSE(x2.is_ok());
  EXPECT_EQ(x2.status().code(), StatusCode::kUnsupported);
  EXPECT_FALSE(deserialize<msg::Time>(Bytes{0x00, 0x03, 0x00, 0x00, 1, 0, 0, 0, 2, 0, 0, 0}).is_ok());
  // Header only: a Time needs 8 body bytes.
  EXPECT_FALSE(deserialize<msg::Time>(Bytes{0x00, 0x01, 0x00, 0x00}).is_ok());
}

// Random bytes behind a valid header, and random single-byte corruptions of valid messages:
// each either decodes or is an error (the sanitizer build checks there is no over-read).
template <typename Msg>
void fuzz_type(const Msg& valid, std::mt19937& rng, int iterations) {
  const Bytes good = *serialize(valid);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int it = 0; it < iterations; ++it) {
    Bytes b = good;
    const int flips = 1 + it % 4;
    for (int f = 0; f < flips; ++f) b[4 + rng() % (b.size() - 4)] = uint8_t(byte(rng));
    if (it % 3 == 0) b.resize(4 + rng() % (b.size() - 3));
    (void)deserialize<Msg>(b);
    Bytes noise(4 + rng() % 96);
    for (auto& x : noise) x = uint8_t(byte(rng));
    noise[0] = 0;
    noise[1] = uint8_t(rng() % 2);
    (void)deserialize<Msg>(noise);
  }
}

TEST(Ros2CdrMalformed, RandomCorruptionsNeverCrash) {
  std::mt19937 rng(1234);
  msg::Detection2DArray a;
  a.header = {{1, 2}, "camera"};
  a.detections.resize(2);
  a.detections[0].results.resize(2);
  a.detections[0].results[0].hypothesis.class_id = "person";
  a.detections[1].id = "track_7";
  fuzz_type(a, rng, 600);
  msg::Image img;
  img.header.frame_id = "cam";
  img.encoding = "bgr8";
  img.width = 2;
  img.height = 2;
  img.step = 6;
  img.data.assign(12, 7);
  fuzz_type(img, rng, 600);
  msg::CameraInfo ci;
  ci.d = {1, 2, 3, 4, 5};
  ci.distortion_model = "plumb_bob";
  fuzz_type(ci, rng, 300);
  msg::LabelInfo li;
  li.class_map = {{0, "a"}, {1, "bb"}};
  fuzz_type(li, rng, 300);
  msg::Classification cl;
  cl.results = {{"1", 0.5}};
  fuzz_type(cl, rng, 300);
  msg::CompressedImage cimg;
  cimg.format = "jpeg";
  cimg.data = {1, 2, 3, 4};
  fuzz_type(cimg, rng, 300);
  msg::ParticipantEntitiesInfo p;
  p.node_entities_info_seq.resize(1);
  p.node_entities_info_seq[0].node_name = "n";
  p.node_entities_info_seq[0].node_namespace = "/";
  p.node_entities_info_seq[0].writer_gid_seq.resize(2);
  const Bytes good = *serialize_participant_entities_info(p, 24);  // Humble's layout
  for (int it = 0; it < 300; ++it) {
    Bytes b = good;
    b[4 + rng() % (b.size() - 4)] = uint8_t(rng());
    (void)deserialize_participant_entities_info(b, 24);
  }
}

}  // namespace
}  // namespace fovea::io::ros2
