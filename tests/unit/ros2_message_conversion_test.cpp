// ROS messages <-> frames and results: every encoding the encoder supports comes in as a view of
// the message's pixels; malformed images (step/size disagreeing, truncated data, unknown
// encodings, absurd sizes, undecodable compressed data) are errors naming the field and counted
// as drops; results go out in original pixels with the input's header.
#ifdef FOVEA_HAVE_ROS2

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "io/image_file.h"
#include "io/ros2/message_conversion.h"
#include "vision/segmentation_decoder.h"

namespace fovea::io::ros2 {
namespace {

msg::Image make_image(const std::string& encoding, uint32_t width, uint32_t height, uint32_t step, size_t rows) {
  msg::Image m;
  m.header = {{1700000000, 42}, "camera"};
  m.encoding = encoding;
  m.width = width;
  m.height = height;
  m.step = step;
  m.data.resize(size_t{step} * rows);
  for (size_t i = 0; i < m.data.size(); ++i) m.data[i] = uint8_t(i * 7);
  return m;
}

TEST(Ros2Conversion, TimeAndHeader) {
  EXPECT_EQ(time_to_ns(time_from_ns(1'700'000'000'123'456'789)), 1'700'000'000'123'456'789);
  const msg::Time t = time_from_ns(-1);  // one nanosecond before the epoch
  EXPECT_EQ(t.sec, -1);
  EXPECT_EQ(t.nanosec, 999'999'999u);
  EXPECT_EQ(time_to_ns(t), -1);
  const msg::Header h = header_from_frame({1'500'000'000, "cam"});
  EXPECT_EQ(h.stamp.sec, 1);
  EXPECT_EQ(h.stamp.nanosec, 500'000'000u);
  EXPECT_EQ(h.frame_id, "cam");
  EXPECT_EQ(frame_header_from(h).stamp_ns, 1'500'000'000);
}

TEST(Ros2Conversion, EveryEncodingBecomesAViewOfTheMessage) {
  struct Case {
    const char* encoding;
    vision::PixelEncoding expected;
    uint32_t bytes_per_row;  // for width 4
    size_t rows;             // for height 2
  };
  const Case cases[] = {
      {"rgb8", vision::PixelEncoding::kRgb8, 12, 2},          {"bgr8", vision::PixelEncoding::kBgr8, 12, 2},
      {"rgba8", vision::PixelEncoding::kRgba8, 16, 2},        {"bgra8", vision::PixelEncoding::kBgra8, 16, 2},
      {"mono8", vision::PixelEncoding::kMono8, 4, 2},         {"mono16", vision::PixelEncoding::kMono16, 8, 2},
      {"yuv422", vision::PixelEncoding::kUyvy, 8, 2},         {"yuv422_yuy2", vision::PixelEncoding::kYuyv, 8, 2},
      {"nv12", vision::PixelEncoding::kNv12, 4, 3},
  };
  for (const Case& c : cases) {
    // A padded step (ROS allows any step >= the row bytes).
    auto image = std::make_shared<msg::Image>(make_image(c.encoding, 4, 2, c.bytes_per_row + 4, c.rows));
    MessageDropCounter drops("/camera/image_raw");
    Result<pipeline::SourceFrame> f = image_to_frame(image, "/camera/image_raw", &drops);
    ASSERT_TRUE(f.is_ok()) << c.encoding << ": " << f.status().to_string();
    EXPECT_EQ(f->frame.image.encoding, c.expected) << c.encoding;
    EXPECT_EQ(f->frame.image.data, image->data.data()) << "not a view: " << c.encoding;
    EXPECT_EQ(f->frame.image.step, c.bytes_per_row + 4);
    EXPECT_EQ(f->frame.image.width, 4);
    EXPECT_EQ(f->frame.image.height, 2);
    EXPECT_EQ(f->frame.header.stamp_ns, 1'700'000'000'000'000'042);
    EXPECT_EQ(f->frame.header.frame_id, "camera");
    EXPECT_EQ(f->frame.source, "/camera/image_raw");
    EXPECT_EQ(f->pixels.get(), image.get());  // keeps the message alive
    EXPECT_EQ(drops.dropped(), 0u);
  }
}

// Each malformed image is an error naming `field`, counted once, and nothing is read past data.
void expect_dropped(msg::Image m, const std::string& field) {
  MessageDropCounter drops("/camera/image_raw", std::chrono::milliseconds(0));
  Result<pipeline::SourceFrame> f = image_to_frame(std::make_shared<msg::Image>(std::move(m)), "/camera/image_raw",
                                                   &drops);
  ASSERT_FALSE(f.is_ok()) << field;
  EXPECT_NE(f.status().message().find(field), std::string::npos) << f.status().message();
  EXPECT_NE(f.status().message().find("/camera/image_raw"), std::string::npos) << f.status().message();
  EXPECT_EQ(drops.dropped(), 1u);
  EXPECT_EQ(drops.last_reason(), f.status().message());
}

TEST(Ros2Conversion, MalformedImagesAreCountedDrops) {
  expect_dropped(make_image("bgr8", 4, 2, 11, 2), "image.step");       // step < 4 * 3
  expect_dropped(make_image("bgr8", 4, 2, 12, 1), "image.data");       // data holds 1 row of 2
  msg::Image truncated = make_image("bgr8", 4, 2, 12, 2);
  truncated.data.resize(23);                                           // one byte short
  expect_dropped(truncated, "image.data");
  expect_dropped(make_image("nv12", 4, 2, 4, 2), "image.data");        // no chroma plane
  expect_dropped(make_image("bayer_rggb8", 4, 2, 4, 2), "image.encoding");
  expect_dropped(make_image("", 4, 2, 4, 2), "image.encoding");
  expect_dropped(make_image("rgb8", 0, 2, 12, 2), "image.width");
  expect_dropped(make_image("rgb8", 4, 0, 12, 0), "image.height");
  expect_dropped(make_image("yuv422", 3, 2, 8, 2), "image.width");     // odd width for 4:2:2
  expect_dropped(make_image("nv12", 4, 3, 4, 5), "image.height");      // odd height for 4:2:0
  msg::Image big_endian = make_image("mono16", 4, 2, 8, 2);
  big_endian.is_bigendian = 1;
  expect_dropped(big_endian, "image.is_bigendian");
  // Absurd sizes: claimed geometry far beyond the data, and beyond any sane image.
  msg::Image absurd = make_image("rgb8", 4, 2, 12, 2);
  absurd.width = 0x7fffffff;
  absurd.step = 0xffffffffu;
  expect_dropped(absurd, "image.width");
  absurd = make_image("rgb8", 4, 2, 12, 2);
  absurd.height = 30000;
  absurd.step = 0xffffffffu;  // step * height needs 64 bits
  expect_dropped(absurd, "image.data");
  absurd = make_image("rgb8", 4, 2, 12, 2);
  absurd.height = 1u << 31;
  expect_dropped(absurd, "image.height");
}

TEST(Ros2Conversion, DropCounterCountsEveryDropButLogsRateLimited) {
  MessageDropCounter drops("/t", std::chrono::seconds(60));
  for (int i = 0; i < 100; ++i) {
    Result<pipeline::SourceFrame> f = image_to_frame(std::make_shared<msg::Image>(make_image("bgr8", 4, 2, 1, 2)),
                                                     "/t", &drops);
    EXPECT_FALSE(f.is_ok());
  }
  EXPECT_EQ(drops.dropped(), 100u);
  EXPECT_FALSE(image_to_frame(nullptr, "/t", &drops).is_ok());
  EXPECT_EQ(drops.dropped(), 101u);
}

TEST(Ros2Conversion, CompressedPngAndJpegDecode) {
  // A 6x4 rgb8 image with distinct pixels, encoded by stb (PNG lossless, JPEG close).
  std::vector<uint8_t> pixels(6 * 4 * 3);
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = uint8_t(i * 10);
  vision::ImageView v{pixels.data(), pixels.size(), 6, 4, 18, vision::PixelEncoding::kRgb8};
  msg::CompressedImage png;
  png.header = {{5, 6}, "cam"};
  png.format = "rgb8; png compressed rgb8";
  png.data = *encode_image(v, ImageFileFormat::kPng);
  MessageDropCounter drops("/camera/image_raw/compressed");
  Result<pipeline::SourceFrame> f = compressed_image_to_frame(png, "/camera/image_raw/compressed", &drops);
  ASSERT_TRUE(f.is_ok()) << f.status().to_string();
  EXPECT_EQ(f->frame.image.width, 6);
  EXPECT_EQ(f->frame.image.height, 4);
  EXPECT_EQ(f->frame.image.encoding, vision::PixelEncoding::kRgb8);
  EXPECT_EQ(f->frame.header.stamp_ns, 5'000'000'006);
  EXPECT_EQ(f->frame.header.frame_id, "cam");
  ASSERT_GE(f->frame.image.size_bytes, pixels.size());
  EXPECT_EQ(std::memcmp(f->frame.image.data, pixels.data(), pixels.size()), 0);

  msg::CompressedImage jpeg;
  jpeg.format = "jpeg";
  jpeg.data = *encode_image(v, ImageFileFormat::kJpeg, 95);
  f = compressed_image_to_frame(jpeg, "/c", &drops);
  ASSERT_TRUE(f.is_ok()) << f.status().to_string();
  EXPECT_EQ(f->frame.image.width, 6);
  EXPECT_EQ(drops.dropped(), 0u);
}

TEST(Ros2Conversion, BadCompressedImagesAreCountedDrops) {
  std::vector<uint8_t> pixels(8 * 8 * 3, 128);
  vision::ImageView v{pixels.data(), pixels.size(), 8, 8, 24, vision::PixelEncoding::kRgb8};
  const std::vector<uint8_t> png = *encode_image(v, ImageFileFormat::kPng);
  MessageDropCounter drops("/c", std::chrono::milliseconds(0));
  msg::CompressedImage m;
  m.format = "png";
  m.data.assign(png.begin(), png.begin() + png.size() / 2);  // truncated
  EXPECT_FALSE(compressed_image_to_frame(m, "/c", &drops).is_ok());
  m.data = {1, 2, 3, 4, 5, 6, 7, 8};  // not an image
  EXPECT_FALSE(compressed_image_to_frame(m, "/c", &drops).is_ok());
  m.data.clear();
  EXPECT_FALSE(compressed_image_to_frame(m, "/c", &drops).is_ok());
  m.format = "16UC1; compressedDepth png";
  m.data = png;
  Result<pipeline::SourceFrame> depth = compressed_image_to_frame(m, "/c", &drops);
  ASSERT_FALSE(depth.is_ok());
  EXPECT_NE(depth.status().message().find("compressed_image.format"), std::string::npos);
  // A PNG header claiming 100000 x 100000 pixels is refused before decoding.
  std::vector<uint8_t> huge = png;
  const uint8_t side[4] = {0x00, 0x01, 0x86, 0xa0};  // IHDR width and height (big-endian)
  std::memcpy(&huge[16], side, 4);
  std::memcpy(&huge[20], side, 4);
  m.format = "png";
  m.data = huge;
  EXPECT_FALSE(compressed_image_to_frame(m, "/c", &drops).is_ok());
  EXPECT_EQ(drops.dropped(), 5u);
}

TEST(Ros2Conversion, ImageFromViewCopiesTightRows) {
  std::vector<uint8_t> padded(3 * 10, 0);
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 6; ++x) padded[y * 10 + x] = uint8_t(y * 6 + x);
  vision::ImageView v{padded.data(), padded.size(), 2, 3, 10, vision::PixelEncoding::kBgr8};
  Result<msg::Image> m = image_from_view(v, {{1, 2}, "cam"});
  ASSERT_TRUE(m.is_ok()) << m.status().to_string();
  EXPECT_EQ(m->encoding, "bgr8");
  EXPECT_EQ(m->step, 6u);
  EXPECT_EQ(m->width, 2u);
  EXPECT_EQ(m->height, 3u);
  ASSERT_EQ(m->data.size(), 18u);
  for (int i = 0; i < 18; ++i) EXPECT_EQ(m->data[i], i);
  // And back: a valid view of the same pixels.
  Result<vision::ImageView> back = image_view_of(*m);
  ASSERT_TRUE(back.is_ok());
  EXPECT_EQ(back->encoding, vision::PixelEncoding::kBgr8);
}

TEST(Ros2Conversion, ImageFromRgbInEveryEncodingReadsBack) {
  // Colours constant over 2x2 blocks, so chroma subsampling loses nothing; what remains is the
  // 8-bit YUV quantisation.
  const int w = 8, h = 6;
  std::vector<uint8_t> rgb(w * h * 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c) rgb[(y * w + x) * 3 + c] = uint8_t((x / 2 * 60 + y / 2 * 90 + c * 70) % 256);
  const struct {
    vision::PixelEncoding encoding;
    float tolerance;  // per channel, 0..255
    bool grey;
  } cases[] = {{vision::PixelEncoding::kRgb8, 0, false},  {vision::PixelEncoding::kBgr8, 0, false},
               {vision::PixelEncoding::kRgba8, 0, false}, {vision::PixelEncoding::kBgra8, 0, false},
               {vision::PixelEncoding::kMono8, 0.5f, true}, {vision::PixelEncoding::kMono16, 0.5f, true},
               {vision::PixelEncoding::kUyvy, 3, false},  {vision::PixelEncoding::kYuyv, 3, false},
               {vision::PixelEncoding::kNv12, 3, false}};
  for (const auto& c : cases) {
    Result<msg::Image> m = image_from_rgb(rgb.data(), w, h, c.encoding, {{1, 2}, "cam"});
    ASSERT_TRUE(m.is_ok()) << vision::encoding_name(c.encoding) << ": " << m.status().to_string();
    EXPECT_EQ(m->encoding, vision::encoding_name(c.encoding));
    EXPECT_EQ(m->header.frame_id, "cam");
    Result<vision::ImageView> v = image_view_of(*m);  // also: ROS-valid geometry
    ASSERT_TRUE(v.is_ok()) << v.status().to_string();
    float worst = 0;
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const auto got = vision::read_pixel_rgb(*v, x, y);
        const uint8_t* p = &rgb[(y * w + x) * 3];
        const float grey = std::round(0.299f * p[0] + 0.587f * p[1] + 0.114f * p[2]);
        for (int ch = 0; ch < 3; ++ch) worst = std::max(worst, std::abs(got[ch] - (c.grey ? grey : float(p[ch]))));
      }
    EXPECT_LE(worst, c.tolerance) << vision::encoding_name(c.encoding);
  }
  EXPECT_FALSE(image_from_rgb(rgb.data(), 7, 6, vision::PixelEncoding::kUyvy, {}).is_ok());  // odd width
  EXPECT_FALSE(image_from_rgb(rgb.data(), 8, 5, vision::PixelEncoding::kNv12, {}).is_ok());  // odd height
  EXPECT_FALSE(image_from_rgb(nullptr, 8, 6, vision::PixelEncoding::kRgb8, {}).is_ok());
}

pipeline::FrameResult detection_result() {
  pipeline::FrameResult r;
  r.header = {1'700'000'000'250'000'000, "camera_optical"};
  r.source = "/camera/image_raw";
  r.image_width = 640;
  r.image_height = 480;
  vision::Detection a;
  a.x1 = 10;
  a.y1 = 20;
  a.x2 = 110;
  a.y2 = 220;
  a.score = 0.875f;
  a.class_id = 1;
  vision::Detection b;
  b.x1 = 0.5f;
  b.y1 = 1.5f;
  b.x2 = 2.5f;
  b.y2 = 3.75f;
  b.score = 0.25f;
  b.class_id = 7;  // beyond the labels
  r.detections = {a, b};
  return r;
}

TEST(Ros2Conversion, DetectionsToDetection2DArray) {
  const std::vector<std::string> labels = {"person", "bicycle", "car"};
  msg::Detection2DArray m = detections_to_message(detection_result(), labels, ClassIdFormat::kIndex);
  EXPECT_EQ(m.header.stamp.sec, 1700000000);
  EXPECT_EQ(m.header.stamp.nanosec, 250000000u);
  EXPECT_EQ(m.header.frame_id, "camera_optical");
  ASSERT_EQ(m.detections.size(), 2u);
  const msg::Detection2D& d = m.detections[0];
  EXPECT_EQ(d.header.frame_id, "camera_optical");
  EXPECT_EQ(d.header.stamp.nanosec, 250000000u);
  EXPECT_EQ(d.bbox.center.position.x, 60);
  EXPECT_EQ(d.bbox.center.position.y, 120);
  EXPECT_EQ(d.bbox.center.theta, 0);
  EXPECT_EQ(d.bbox.size_x, 100);
  EXPECT_EQ(d.bbox.size_y, 200);
  ASSERT_EQ(d.results.size(), 1u);
  EXPECT_EQ(d.results[0].hypothesis.class_id, "1");
  EXPECT_EQ(d.results[0].hypothesis.score, 0.875);
  EXPECT_EQ(d.results[0].pose.pose.orientation.w, 1);
  EXPECT_EQ(m.detections[1].bbox.center.position.x, 1.5);
  EXPECT_EQ(m.detections[1].bbox.size_y, 2.25);

  msg::Detection2DArray named = detections_to_message(detection_result(), labels, ClassIdFormat::kLabel);
  EXPECT_EQ(named.detections[0].results[0].hypothesis.class_id, "bicycle");
  EXPECT_EQ(named.detections[1].results[0].hypothesis.class_id, "7");  // no label: the id
  EXPECT_EQ(*parse_class_id_format("label"), ClassIdFormat::kLabel);
  EXPECT_FALSE(parse_class_id_format("name").is_ok());

  pipeline::FrameResult empty = detection_result();
  empty.detections.clear();
  EXPECT_TRUE(detections_to_message(empty, labels, ClassIdFormat::kIndex).detections.empty());
}

TEST(Ros2Conversion, ClassificationAndLabelInfo) {
  pipeline::FrameResult r = detection_result();
  r.classes = {{2, 0.75f}, {0, 0.125f}};
  msg::Classification c = classification_to_message(r, {"cat", "dog", "fox"}, ClassIdFormat::kLabel);
  EXPECT_EQ(c.header.frame_id, "camera_optical");
  ASSERT_EQ(c.results.size(), 2u);
  EXPECT_EQ(c.results[0].class_id, "fox");
  EXPECT_EQ(c.results[0].score, 0.75);
  EXPECT_EQ(c.results[1].class_id, "cat");

  Result<msg::LabelInfo> l = label_info_message({"cat", "dog"}, 0.25f, {{3, 4}, "cam"});
  ASSERT_TRUE(l.is_ok());
  ASSERT_EQ(l->class_map.size(), 2u);
  EXPECT_EQ(l->class_map[1].class_id, 1);
  EXPECT_EQ(l->class_map[1].class_name, "dog");
  EXPECT_EQ(l->threshold, 0.25f);
  EXPECT_EQ(l->header.frame_id, "cam");
  EXPECT_FALSE(label_info_message(std::vector<std::string>(70000, "x"), 0.5f, {}).is_ok());
}

TEST(Ros2Conversion, MaskImages) {
  pipeline::FrameResult r = detection_result();
  EXPECT_FALSE(mask_to_image(r).is_ok());  // no mask
  r.mask = Tensor::from_vector<uint8_t>({0, 1, 2, 3, 4, 5}, {2, 3});
  Result<msg::Image> m = mask_to_image(r);
  ASSERT_TRUE(m.is_ok()) << m.status().to_string();
  EXPECT_EQ(m->encoding, "mono8");
  EXPECT_EQ(m->width, 3u);
  EXPECT_EQ(m->height, 2u);
  EXPECT_EQ(m->step, 3u);
  EXPECT_EQ(m->data, (std::vector<uint8_t>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(m->header.frame_id, "camera_optical");
  Result<msg::Image> colors = mask_to_color_image(r);
  ASSERT_TRUE(colors.is_ok());
  EXPECT_EQ(colors->encoding, "rgb8");
  EXPECT_EQ(colors->step, 9u);
  const auto c5 = vision::palette_color(5);
  EXPECT_EQ(colors->data[15], c5[0]);
  EXPECT_EQ(colors->data[16], c5[1]);
  EXPECT_EQ(colors->data[17], c5[2]);
  r.mask = Tensor::from_vector<int32_t>({0, 1}, {1, 2});  // wrong dtype
  EXPECT_FALSE(mask_to_image(r).is_ok());
  r.mask = Tensor::from_vector<uint8_t>({0, 1}, {1, 1, 2});  // wrong rank
  EXPECT_FALSE(mask_to_image(r).is_ok());
}

}  // namespace
}  // namespace fovea::io::ros2

#endif  // FOVEA_HAVE_ROS2
