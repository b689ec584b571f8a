// The CDR of every ROS 2 message type fovea speaks, byte by byte, against bytes written here by
// hand from the XCDR1 rules (reference: ../shared/reference/ros2-wire.md §5): a 4-byte
// encapsulation header 00 01 00 00; alignment of each primitive to its size counted from the
// byte after the header (float64 to 8); strings as uint32 length including the NUL, the bytes,
// the NUL; T[] as uint32 count + elements; T[N] without a count; nested structs inline. The
// padding bytes are spelled out where they fall. Then every expected buffer decodes back to
// the message (and a big-endian one too). Needs no DDS: the codec is built without Cyclone too.

#include <gtest/gtest.h>

#include <cstring>
#include <initializer_list>
#include <vector>

#include "io/ros2/cdr/cdr_codec.h"
#include "io/ros2/messages.h"

namespace fovea::io::ros2 {
namespace {

using Bytes = std::vector<uint8_t>;

// Little-endian encodings of single primitives; the layout (order, padding) is written inline.
Bytes u32(uint32_t v) { return {uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)}; }
Bytes f64(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, 8);
  Bytes b;
  for (int i = 0; i < 8; ++i) b.push_back(uint8_t(bits >> (8 * i)));
  return b;
}
Bytes f32(float v) {
  uint32_t bits;
  std::memcpy(&bits, &v, 4);
  return u32(bits);
}
Bytes pad(size_t n) { return Bytes(n, 0); }
Bytes chars(const char* s) { return Bytes(s, s + std::strlen(s) + 1); }  // with the NUL
Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
const Bytes kEncapsulation = {0x00, 0x01, 0x00, 0x00};

template <typename Msg>
void expect_bytes(const Msg& m, const Bytes& expected) {
  Result<Bytes> got = serialize(m);
  ASSERT_TRUE(got.is_ok()) << got.status().to_string();
  ASSERT_EQ(got->size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i)
    ASSERT_EQ(int((*got)[i]), int(expected[i])) << "byte " << i << " (body offset " << int64_t(i) - 4 << ")";
}

msg::Header cam_header() { return msg::Header{msg::Time{1, 2}, "cam"}; }
// sec 1, nanosec 2, frame_id "cam": 16 bytes at any 4-aligned offset.
Bytes cam_header_bytes() { return cat({u32(1), u32(2), u32(4), chars("cam")}); }

TEST(Ros2CdrBytes, Time) {
  expect_bytes(msg::Time{1, 2}, {0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00});
  expect_bytes(msg::Time{-1, 999999999}, {0x00, 0x01, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xc9, 0x9a, 0x3b});
}

TEST(Ros2CdrBytes, Header) {
  expect_bytes(cam_header(), {0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x04, 0x00,
                              0x00, 0x00, 'c', 'a', 'm', 0x00});
  // An empty string is length 1 (just the NUL).
  expect_bytes(msg::Header{}, cat({kEncapsulation, u32(0), u32(0), u32(1), {0x00}}));
}

TEST(Ros2CdrBytes, ImageMatchesTheVerifiedLibddscBytes) {
  // The reference's 1x1 rgb8 Image written by libddsc 0.10.2, without Cyclone's trailing pad
  // (which it records in the options bytes; rmw writes neither).
  msg::Image m;
  m.header = cam_header();
  m.height = 1;
  m.width = 1;
  m.encoding = "rgb8";
  m.step = 3;
  m.data = {1, 2, 3};
  expect_bytes(m, {0x00, 0x01, 0x00, 0x00,                                      //
                   0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,              // stamp
                   0x04, 0x00, 0x00, 0x00, 'c', 'a', 'm', 0x00,                 // frame_id
                   0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,              // height, width
                   0x05, 0x00, 0x00, 0x00, 'r', 'g', 'b', '8', 0x00,            // encoding (ends at 33)
                   0x00,                                                        // is_bigendian
                   0x00, 0x00,                                                  // pad to 36
                   0x03, 0x00, 0x00, 0x00,                                      // step
                   0x03, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03});                  // data
}

TEST(Ros2CdrBytes, CompressedImage) {
  msg::CompressedImage m;
  m.header = cam_header();
  m.format = "jpeg";
  m.data = {0xff, 0xd8};
  // format: length at 16, "jpeg\0" 20..25, pad to 28; data count at 28, bytes at 32.
  expect_bytes(m, cat({kEncapsulation, cam_header_bytes(), u32(5), chars("jpeg"), pad(3), u32(2), {0xff, 0xd8}}));
}

TEST(Ros2CdrBytes, RegionOfInterest) {
  msg::RegionOfInterest m{1, 2, 3, 4, true};
  expect_bytes(m, cat({kEncapsulation, u32(1), u32(2), u32(3), u32(4), {0x01}}));
}

TEST(Ros2CdrBytes, CameraInfo) {
  msg::CameraInfo m;
  m.header = cam_header();
  m.height = 480;
  m.width = 640;
  m.distortion_model = "plumb_bob";
  m.d = {0.5, -0.25, 0, 0, 1};
  for (int i = 0; i < 9; ++i) m.k[i] = i + 1;
  for (int i = 0; i < 9; ++i) m.r[i] = -i;
  for (int i = 0; i < 12; ++i) m.p[i] = 0.5 * i;
  m.binning_x = 2;
  m.binning_y = 3;
  m.roi = {10, 20, 30, 40, false};
  Bytes k, r, p;
  for (int i = 0; i < 9; ++i) k = cat({k, f64(i + 1)});
  for (int i = 0; i < 9; ++i) r = cat({r, f64(-i)});
  for (int i = 0; i < 12; ++i) p = cat({p, f64(0.5 * i)});
  // height at 16, width 20, distortion_model length 24 + "plumb_bob\0" 28..38, pad 2; d count at
  // 40, pad 4 to 48 for the float64s (48..88); k 88..160, r ..232, p ..328 (no counts); binning
  // 328, 332; roi 336..353.
  expect_bytes(m, cat({kEncapsulation, cam_header_bytes(), u32(480), u32(640), u32(10), chars("plumb_bob"), pad(2),
                       u32(5), pad(4), f64(0.5), f64(-0.25), f64(0), f64(0), f64(1), k, r, p, u32(2), u32(3), u32(10),
                       u32(20), u32(30), u32(40), {0x00}}));
}

TEST(Ros2CdrBytes, GeometryMessages) {
  expect_bytes(msg::Point{1, 2, 3}, cat({kEncapsulation, f64(1), f64(2), f64(3)}));
  // The identity quaternion: w = 1 is the .msg default.
  expect_bytes(msg::Quaternion{}, cat({kEncapsulation, f64(0), f64(0), f64(0), f64(1)}));
  msg::Pose pose{{1, 2, 3}, {0.5, 0.5, 0.5, 0.5}};
  expect_bytes(pose, cat({kEncapsulation, f64(1), f64(2), f64(3), f64(0.5), f64(0.5), f64(0.5), f64(0.5)}));
  msg::PoseWithCovariance pc;
  pc.pose = pose;
  Bytes cov;
  for (int i = 0; i < 36; ++i) {
    pc.covariance[i] = i;
    cov = cat({cov, f64(i)});
  }
  expect_bytes(pc, cat({kEncapsulation, f64(1), f64(2), f64(3), f64(0.5), f64(0.5), f64(0.5), f64(0.5), cov}));
}

TEST(Ros2CdrBytes, Vision2DGeometry) {
  expect_bytes(msg::Point2D{1.5, -2}, cat({kEncapsulation, f64(1.5), f64(-2)}));
  expect_bytes(msg::Pose2D{{1.5, -2}, 0.25}, cat({kEncapsulation, f64(1.5), f64(-2), f64(0.25)}));
  expect_bytes(msg::BoundingBox2D{{{320, 240}, 0}, 64, 48},
               cat({kEncapsulation, f64(320), f64(240), f64(0), f64(64), f64(48)}));
}

TEST(Ros2CdrBytes, ObjectHypothesis) {
  // class_id length at 0, "person\0" 4..11, pad 5 to 16 for the float64 score.
  expect_bytes(msg::ObjectHypothesis{"person", 0.5}, cat({kEncapsulation, u32(7), chars("person"), pad(5), f64(0.5)}));
}

// ObjectHypothesisWithPose{"7", 0.25, position (1,2,3), identity orientation, covariance[0] = 0.5}
// starting at a body offset that is 4 (mod 8): the string takes 6 bytes, then 6 pad bytes bring
// the score to an 8-aligned offset.
msg::ObjectHypothesisWithPose hypothesis_7() {
  msg::ObjectHypothesisWithPose h;
  h.hypothesis = {"7", 0.25};
  h.pose.pose.position = {1, 2, 3};
  h.pose.covariance[0] = 0.5;
  return h;
}
Bytes hypothesis_7_pose_bytes() {  // from the (8-aligned) pose on: 56 + 288 bytes
  Bytes cov = f64(0.5);
  for (int i = 1; i < 36; ++i) cov = cat({cov, f64(0)});
  return cat({f64(1), f64(2), f64(3), f64(0), f64(0), f64(0), f64(1), cov});
}

TEST(Ros2CdrBytes, ObjectHypothesisWithPose) {
  // At body offset 0: "7" length 0..4, "7\0" 4..6, pad 2 to 8, score 8..16, pose from 16.
  expect_bytes(hypothesis_7(), cat({kEncapsulation, u32(2), chars("7"), pad(2), f64(0.25), hypothesis_7_pose_bytes()}));
}

TEST(Ros2CdrBytes, Detection2D) {
  msg::Detection2D d;
  d.header = cam_header();
  d.results = {hypothesis_7()};
  d.bbox = {{{320, 240}, 0}, 64, 48};
  d.id = "d1";
  // results count at 16; the hypothesis string at 20..26, pad 6 to 32, score 32..40, pose 40..384;
  // bbox 384..424; id length at 424, "d1\0".
  expect_bytes(d, cat({kEncapsulation, cam_header_bytes(), u32(1), u32(2), chars("7"), pad(6), f64(0.25),
                       hypothesis_7_pose_bytes(), f64(320), f64(240), f64(0), f64(64), f64(48), u32(3), chars("d1")}));
}

TEST(Ros2CdrBytes, Detection2DArray) {
  msg::Detection2DArray a;
  a.header = cam_header();
  msg::Detection2D d1;
  d1.header = cam_header();
  d1.results = {hypothesis_7()};
  d1.bbox = {{{320, 240}, 0}, 64, 48};
  msg::Detection2D d2;  // no results, id "d2"
  d2.header = cam_header();
  d2.bbox = {{{1, 2}, 0}, 3, 4};
  d2.id = "d2";
  a.detections = {d1, d2};
  // detections count at 16. d1 at 20: header 20..36, results count 36, string 40..46, pad 2 to
  // 48, score 48..56, pose 56..400, bbox 400..440, id "" (length 1) 440..445.
  // d2: pad 3 to 448, header 448..464, results count 0 at 464, pad 4 to 472, bbox 472..512, id
  // length at 512, "d2\0" 516..519.
  expect_bytes(a, cat({kEncapsulation, cam_header_bytes(), u32(2),
                       cam_header_bytes(), u32(1), u32(2), chars("7"), pad(2), f64(0.25), hypothesis_7_pose_bytes(),
                       f64(320), f64(240), f64(0), f64(64), f64(48), u32(1), {0x00},
                       pad(3), cam_header_bytes(), u32(0), pad(4), f64(1), f64(2), f64(0), f64(3), f64(4), u32(3),
                       chars("d2")}));
}

TEST(Ros2CdrBytes, Classification) {
  msg::Classification c;
  c.header = cam_header();
  c.results = {{"3", 0.75}, {"12", 0.125}};
  // results count at 16; "3": length 20, "3\0" 24..26, pad 6, score 32..40; "12": length 40,
  // "12\0" 44..47, pad 1, score 48..56.
  expect_bytes(c, cat({kEncapsulation, cam_header_bytes(), u32(2), u32(2), chars("3"), pad(6), f64(0.75), u32(3),
                       chars("12"), pad(1), f64(0.125)}));
}

TEST(Ros2CdrBytes, VisionClassAndLabelInfo) {
  // uint16 class_id 0..2, pad 2, class_name length 4..8, "car\0".
  expect_bytes(msg::VisionClass{5, "car"}, cat({kEncapsulation, {0x05, 0x00}, pad(2), u32(4), chars("car")}));
  msg::LabelInfo l;
  l.header = cam_header();
  l.class_map = {{0, "person"}, {1, "car"}};
  l.threshold = 0.5f;
  // class_map count at 16; {0: 20..22, pad 2, length 24, "person\0" 28..35}; {1: pad 1 to 36,
  // 36..38, pad 2, length 40, "car\0" 44..48}; threshold float32 at 48.
  expect_bytes(l, cat({kEncapsulation, cam_header_bytes(), u32(2), {0x00, 0x00}, pad(2), u32(7), chars("person"),
                       pad(1), {0x01, 0x00}, pad(2), u32(4), chars("car"), f32(0.5f)}));
}

msg::Gid gid_of(uint8_t first) {
  msg::Gid g;
  for (int i = 0; i < 16; ++i) g.data[i] = uint8_t(first + i);
  return g;
}
Bytes gid_bytes(uint8_t first) {
  Bytes b;
  for (int i = 0; i < 16; ++i) b.push_back(uint8_t(first + i));
  return b;
}

TEST(Ros2CdrBytes, GidAndNodeEntitiesInfo) {
  expect_bytes(gid_of(0x10), cat({kEncapsulation, gid_bytes(0x10)}));  // char[16]: no count
  msg::NodeEntitiesInfo n;
  n.node_namespace = "/";
  n.node_name = "fovea";
  n.reader_gid_seq = {gid_of(0x20)};
  n.writer_gid_seq = {gid_of(0x30), gid_of(0x40)};
  // "/": length 0, "/\0" 4..6, pad 2; "fovea": length 8, "fovea\0" 12..18, pad 2; readers count
  // 20, gid 24..40; writers count 40, gids 44..76.
  expect_bytes(n, cat({kEncapsulation, u32(2), chars("/"), pad(2), u32(6), chars("fovea"), pad(2), u32(1),
                       gid_bytes(0x20), u32(2), gid_bytes(0x30), gid_bytes(0x40)}));
}

msg::ParticipantEntitiesInfo participant_info() {
  msg::ParticipantEntitiesInfo p;
  p.gid = gid_of(0x01);
  msg::NodeEntitiesInfo n;
  n.node_namespace = "/";
  n.node_name = "fovea";
  n.reader_gid_seq = {gid_of(0x20)};
  p.node_entities_info_seq = {n};
  return p;
}

TEST(Ros2CdrBytes, ParticipantEntitiesInfoJazzy) {
  const msg::ParticipantEntitiesInfo p = participant_info();
  // gid 0..16, node count 16; node: "/" 20..26, pad 2, "fovea" 28..38, pad 2, readers count 40,
  // gid 44..60, writers count 0 at 60.
  const Bytes expected = cat({kEncapsulation, gid_bytes(0x01), u32(1), u32(2), chars("/"), pad(2), u32(6),
                              chars("fovea"), pad(2), u32(1), gid_bytes(0x20), u32(0)});
  Result<Bytes> got = serialize_participant_entities_info(p, 16);
  ASSERT_TRUE(got.is_ok()) << got.status().to_string();
  EXPECT_EQ(*got, expected);
}

TEST(Ros2CdrBytes, ParticipantEntitiesInfoHumbleHas24ByteGids) {
  const msg::ParticipantEntitiesInfo p = participant_info();
  // Each Gid is the 16 GUID bytes + 8 zero bytes: gid 0..24, node count 24; "/" 28..34, pad 2,
  // "fovea" 36..46, pad 2, readers count 48, gid 52..76, writers count 0 at 76.
  const Bytes expected = cat({kEncapsulation, gid_bytes(0x01), pad(8), u32(1), u32(2), chars("/"), pad(2), u32(6),
                              chars("fovea"), pad(2), u32(1), gid_bytes(0x20), pad(8), u32(0)});
  Result<Bytes> got = serialize_participant_entities_info(p, 24);
  ASSERT_TRUE(got.is_ok()) << got.status().to_string();
  EXPECT_EQ(*got, expected);
  // The 8 padding bytes are dropped when reading; a GID of another size is refused.
  Result<msg::ParticipantEntitiesInfo> back = deserialize_participant_entities_info(expected, 24);
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(back->gid.data, gid_of(0x01).data);
  EXPECT_FALSE(serialize_participant_entities_info(p, 20).is_ok());
}

// ---- decoding the hand-written bytes ----

TEST(Ros2CdrDecode, HandWrittenBytesDecodeToTheMessage) {
  Result<msg::Image> image = deserialize<msg::Image>(Bytes{
      0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 'c',
      'a',  'm',  0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 'r',  'g',
      'b',  '8',  0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03});
  ASSERT_TRUE(image.is_ok()) << image.status().to_string();
  EXPECT_EQ(image->header.stamp.sec, 1);
  EXPECT_EQ(image->header.stamp.nanosec, 2u);
  EXPECT_EQ(image->header.frame_id, "cam");
  EXPECT_EQ(image->encoding, "rgb8");
  EXPECT_EQ(image->step, 3u);
  EXPECT_EQ(image->data, (Bytes{1, 2, 3}));

  Result<msg::Classification> c = deserialize<msg::Classification>(cat(
      {kEncapsulation, cam_header_bytes(), u32(2), u32(2), chars("3"), pad(6), f64(0.75), u32(3), chars("12"), pad(1),
       f64(0.125)}));
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  ASSERT_EQ(c->results.size(), 2u);
  EXPECT_EQ(c->results[1].class_id, "12");
  EXPECT_EQ(c->results[1].score, 0.125);
}

TEST(Ros2CdrDecode, BigEndianCdrIsAccepted) {
  // Encapsulation 00 00 (CDR_BE): sec 1, nanosec 2, frame_id "cam".
  Result<msg::Header> h = deserialize<msg::Header>(
      Bytes{0x00, 0x00, 0x00, 0x00, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 4, 'c', 'a', 'm', 0});
  ASSERT_TRUE(h.is_ok()) << h.status().to_string();
  EXPECT_EQ(h->stamp.sec, 1);
  EXPECT_EQ(h->stamp.nanosec, 2u);
  EXPECT_EQ(h->frame_id, "cam");
}

TEST(Ros2CdrDecode, EveryTypeRoundTrips) {
  msg::Detection2DArray a;
  a.header = cam_header();
  a.detections.resize(3);
  a.detections[1].results = {hypothesis_7(), hypothesis_7()};
  a.detections[2].id = "x";
  Result<Bytes> bytes = serialize(a);
  ASSERT_TRUE(bytes.is_ok());
  Result<msg::Detection2DArray> back = deserialize<msg::Detection2DArray>(*bytes);
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  ASSERT_EQ(back->detections.size(), 3u);
  EXPECT_EQ(back->detections[1].results.size(), 2u);
  EXPECT_EQ(back->detections[1].results[0].pose.covariance[0], 0.5);
  EXPECT_EQ(back->detections[1].results[0].pose.pose.orientation.w, 1.0);
  EXPECT_EQ(back->detections[2].id, "x");

  msg::ParticipantEntitiesInfo p = participant_info();
  for (size_t gid_bytes : {24, 16}) {  // Humble, Jazzy
    Result<Bytes> pb = serialize_participant_entities_info(p, gid_bytes);
    ASSERT_TRUE(pb.is_ok());
    Result<msg::ParticipantEntitiesInfo> decoded = deserialize_participant_entities_info(*pb, gid_bytes);
    ASSERT_TRUE(decoded.is_ok()) << decoded.status().to_string();
    const msg::ParticipantEntitiesInfo& q = *decoded;
    EXPECT_EQ(q.gid.data, p.gid.data);
    ASSERT_EQ(q.node_entities_info_seq.size(), 1u);
    EXPECT_EQ(q.node_entities_info_seq[0].node_name, "fovea");
    EXPECT_EQ(q.node_entities_info_seq[0].reader_gid_seq[0].data, gid_of(0x20).data);
  }
}

}  // namespace
}  // namespace fovea::io::ros2
