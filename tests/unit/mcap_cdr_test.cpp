// CDR of the messages fovea records to and replays from bags (the one ROS 2 codec,
// io/ros2/cdr/cdr_codec.h, as MCAP uses it), byte for byte against layouts worked out by hand
// (XCDR1: encapsulation 00 01 00 00, alignment from the end of that header, float64 aligned to 8;
// the Image bytes are those Debian's libddsc 0.10.2 produced, ../shared/reference/ros2-wire.md §5,
// without Cyclone's padding to 4), plus big-endian input and malformed bytes.
#include <gtest/gtest.h>

#include <cstring>

#include "io/ros2/cdr/cdr_codec.h"

namespace fovea::io::mcap {
namespace {

namespace msg = ros2::msg;

std::vector<uint8_t> hex(std::initializer_list<int> v) {
  std::vector<uint8_t> out;
  for (int b : v) out.push_back(static_cast<uint8_t>(b));
  return out;
}
void append(std::vector<uint8_t>& out, const std::vector<uint8_t>& more) { out.insert(out.end(), more.begin(), more.end()); }
void append_f64(std::vector<uint8_t>& out, double v) {
  uint8_t b[8];
  std::memcpy(b, &v, 8);  // the test machine is little-endian, as CDR_LE
  out.insert(out.end(), b, b + 8);
}

msg::Header cam_header() { return msg::Header{msg::Time{1, 2}, "cam"}; }

const std::vector<uint8_t> kImageBytes = hex({
    0x00, 0x01, 0x00, 0x00,                          // CDR_LE
    0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,  // stamp 1 s, 2 ns
    0x04, 0x00, 0x00, 0x00, 'c', 'a', 'm', 0x00,     // frame_id
    0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,  // height, width
    0x05, 0x00, 0x00, 0x00, 'r', 'g', 'b', '8', 0x00,  // encoding
    0x00,                                            // is_bigendian
    0x00, 0x00,                                      // pad to 4
    0x03, 0x00, 0x00, 0x00,                          // step
    0x03, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03,        // data
});

TEST(McapCdr, ImageBytes) {
  msg::Image m;
  m.header = cam_header();
  m.height = 1;
  m.width = 1;
  m.encoding = "rgb8";
  m.step = 3;
  m.data = {1, 2, 3};
  auto bytes = ros2::serialize(m);
  ASSERT_TRUE(bytes.is_ok());
  EXPECT_EQ(*bytes, kImageBytes);
  auto back = ros2::deserialize<msg::Image>(kImageBytes);
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(back->header.stamp.sec, 1);
  EXPECT_EQ(back->header.stamp.nanosec, 2u);
  EXPECT_EQ(back->header.frame_id, "cam");
  EXPECT_EQ(back->encoding, "rgb8");
  EXPECT_EQ(back->step, 3u);
  EXPECT_EQ(back->data, (std::vector<uint8_t>{1, 2, 3}));
  // Cyclone's form (options 00 01: one pad byte, and the pad itself) decodes the same.
  std::vector<uint8_t> cyclone = kImageBytes;
  cyclone[3] = 0x01;
  cyclone.push_back(0x00);
  ASSERT_TRUE(ros2::deserialize<msg::Image>(cyclone).is_ok());
}

TEST(McapCdr, BigEndianDecodesXcdr2IsRefused) {
  const std::vector<uint8_t> be = hex({
      0x00, 0x00, 0x00, 0x00,                          // CDR_BE
      0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,  // stamp
      0x00, 0x00, 0x00, 0x04, 'c', 'a', 'm', 0x00,
      0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
      0x00, 0x00, 0x00, 0x05, 'r', 'g', 'b', '8', 0x00,
      0x00, 0x00, 0x00,
      0x00, 0x00, 0x00, 0x03,
      0x00, 0x00, 0x00, 0x03, 0x01, 0x02, 0x03,
  });
  auto m = ros2::deserialize<msg::Image>(be);
  ASSERT_TRUE(m.is_ok()) << m.status().message();
  EXPECT_EQ(m->header.stamp.nanosec, 2u);
  EXPECT_EQ(m->step, 3u);
  EXPECT_EQ(m->data.size(), 3u);

  // XCDR2 (which rmw never sends: it forces XCDR1) is refused rather than misread.
  std::vector<uint8_t> x2 = kImageBytes;
  x2[1] = 0x07;  // CDR2_LE
  auto e = ros2::deserialize<msg::Image>(x2);
  ASSERT_FALSE(e.is_ok());
  EXPECT_EQ(e.status().code(), StatusCode::kUnsupported);
}

TEST(McapCdr, Detection2DArrayBytes) {
  msg::Detection2DArray m;
  m.header = cam_header();
  msg::Detection2D& d = m.detections.emplace_back();
  d.header = cam_header();
  msg::ObjectHypothesisWithPose h;
  h.hypothesis.class_id = "7";
  h.hypothesis.score = 0.5;
  d.results.push_back(h);
  d.bbox.center.position.x = 10.5;
  d.bbox.center.position.y = 20.25;
  d.bbox.size_x = 3;
  d.bbox.size_y = 4;

  // Offsets after the encapsulation header: 0 stamp, 8 frame_id, 16 detections count, 20 header,
  // 36 results count, 40 class_id "7\0", 46 pad 2, 48 score, 56 pose (7 doubles), 112 covariance
  // (36), 400 bbox (5), 440 id "" (length 1, NUL): 445 bytes.
  std::vector<uint8_t> want = hex({0x00, 0x01, 0x00, 0x00});
  const std::vector<uint8_t> header = hex({1, 0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 'c', 'a', 'm', 0});
  append(want, header);
  append(want, hex({1, 0, 0, 0}));
  append(want, header);
  append(want, hex({1, 0, 0, 0}));
  append(want, hex({2, 0, 0, 0, '7', 0, 0, 0}));
  append_f64(want, 0.5);
  for (double v : {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0}) append_f64(want, v);  // position, orientation (w = 1)
  for (int i = 0; i < 36; ++i) append_f64(want, 0.0);
  for (double v : {10.5, 20.25, 0.0, 3.0, 4.0}) append_f64(want, v);
  append(want, hex({1, 0, 0, 0, 0}));
  ASSERT_EQ(want.size(), 4u + 445u);

  auto bytes = ros2::serialize(m);
  ASSERT_TRUE(bytes.is_ok());
  EXPECT_EQ(*bytes, want);
  auto back = ros2::deserialize<msg::Detection2DArray>(want);
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  ASSERT_EQ(back->detections.size(), 1u);
  EXPECT_EQ(back->detections[0].header.frame_id, "cam");
  EXPECT_EQ(back->detections[0].results[0].pose.pose.orientation.w, 1.0);
  EXPECT_EQ(back->detections[0].bbox.center.position.y, 20.25);
}

TEST(McapCdr, CompressedImageBytes) {
  msg::CompressedImage m;
  m.header = cam_header();
  m.format = "png";
  m.data = {0x89, 0x50};
  auto bytes = ros2::serialize(m);
  ASSERT_TRUE(bytes.is_ok());
  std::vector<uint8_t> want = hex({0x00, 0x01, 0x00, 0x00, 1, 0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 'c', 'a', 'm', 0,
                                   4, 0, 0, 0, 'p', 'n', 'g', 0, 2, 0, 0, 0, 0x89, 0x50});
  EXPECT_EQ(*bytes, want);
  auto back = ros2::deserialize<msg::CompressedImage>(want);
  ASSERT_TRUE(back.is_ok());
  EXPECT_EQ(back->format, "png");
}

TEST(McapCdr, MalformedBytesAreErrorsNamingTheField) {
  // Every truncation of a valid message fails (and never reads past the end).
  for (size_t n = 0; n < kImageBytes.size(); ++n) {
    std::vector<uint8_t> cut(kImageBytes.begin(), kImageBytes.begin() + static_cast<ptrdiff_t>(n));
    EXPECT_FALSE(ros2::deserialize<msg::Image>(cut).is_ok()) << n << " bytes";
  }
  // data length past the end.
  std::vector<uint8_t> long_data = kImageBytes;
  long_data[kImageBytes.size() - 7] = 0xFF;
  auto e = ros2::deserialize<msg::Image>(long_data);
  ASSERT_FALSE(e.is_ok());
  EXPECT_NE(e.status().message().find("sensor_msgs/msg/Image.data"), std::string::npos) << e.status().message();
  // A string without its NUL.
  std::vector<uint8_t> no_nul = kImageBytes;
  no_nul[15] = 'x';
  EXPECT_NE(ros2::deserialize<msg::Image>(no_nul).status().message().find("header.frame_id"), std::string::npos);
  // An absurd sequence count fails before allocating anything.
  std::vector<uint8_t> absurd = hex({0x00, 0x01, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF});
  auto a = ros2::deserialize<msg::Detection2DArray>(absurd);
  ASSERT_FALSE(a.is_ok());
  EXPECT_NE(a.status().message().find("detections"), std::string::npos) << a.status().message();
  // Unsupported representations.
  std::vector<uint8_t> pl = kImageBytes;
  pl[1] = 0x03;  // PL_CDR_LE
  EXPECT_NE(ros2::deserialize<msg::Image>(pl).status().message().find("encapsulation"), std::string::npos);
}

TEST(McapCdr, TimeConversion) {
  EXPECT_EQ(ros2::time_to_ns(ros2::time_from_ns(1700000000123456789)), 1700000000123456789);
  const msg::Time t = ros2::time_from_ns(-1);
  EXPECT_EQ(t.sec, -1);
  EXPECT_EQ(t.nanosec, 999999999u);
}

}  // namespace
}  // namespace fovea::io::mcap
