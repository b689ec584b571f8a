// McapImageSource and McapDetectionSink: bags of Image / CompressedImage messages replay as frames
// with their headers and pixels (bad messages are per-frame errors, the source goes on), replay
// can be paced at the recorded rate, and pipeline results are recorded as Detection2DArray (and
// Image) messages that read back with the right schemas, topics and fields.
#include <gtest/gtest.h>

#include <chrono>

#include "io/image_file.h"
#include "io/mcap/mcap_detection_sink.h"
#include "io/mcap/mcap_image_source.h"
#include "io/mcap/ros2_message_definitions.h"
#include "mcap_test_files.h"

namespace fovea::io::mcap {
namespace {

class McapSourceSink : public McapTempDir {};

msg::Image make_image(uint32_t w, uint32_t h, const std::string& encoding, uint32_t channels, int seed) {
  msg::Image m;
  m.header = msg::Header{msg::Time{100 + seed, 5}, "cam_" + std::to_string(seed)};
  m.width = w;
  m.height = h;
  m.encoding = encoding;
  m.step = w * channels + 2;  // padded rows
  m.data.resize(static_cast<size_t>(m.step) * h);
  for (size_t i = 0; i < m.data.size(); ++i) m.data[i] = static_cast<uint8_t>(i * 3 + seed);
  return m;
}

template <typename Msg>
void write_message(McapWriter& w, uint16_t channel, uint64_t t, const Msg& m) {
  auto bytes = ros2::serialize(m);
  ASSERT_TRUE(bytes.is_ok());
  ASSERT_TRUE(w.write(channel, t, t, *bytes).is_ok());
}

TEST_F(McapSourceSink, ReplaysImagesWithHeadersAndPixels) {
  McapWriterOptions wo;
  wo.compression = compression_available(Compression::kZstd) ? Compression::kZstd : Compression::kNone;
  auto w = McapWriter::open(path("cam.mcap"), wo);
  ASSERT_TRUE(w.is_ok());
  auto other = (*w)->add_channel("/other", "std_msgs/msg/String", "string data\n");
  auto cam = (*w)->add_channel("/camera/image_raw", std::string(kImageType), *ros2msg_definition(kImageType));
  ASSERT_TRUE(other.is_ok() && cam.is_ok());
  const msg::Image rgb = make_image(4, 3, "rgb8", 3, 0);
  const msg::Image mono = make_image(5, 2, "mono8", 1, 1);
  msg::Image bad_step = make_image(4, 3, "bgr8", 3, 2);
  bad_step.step = 5;  // less than one row
  msg::Image bad_encoding = make_image(2, 2, "rgb8", 3, 3);
  bad_encoding.encoding = "bayer_wxyz8";
  write_message(**w, *cam, 1000, rgb);
  ASSERT_TRUE((*w)->write(*other, 1500, 1500, std::vector<uint8_t>{0, 1, 0, 0, 1, 0, 0, 0, 0}).is_ok());
  write_message(**w, *cam, 2000, bad_step);
  write_message(**w, *cam, 3000, mono);
  write_message(**w, *cam, 4000, bad_encoding);
  ASSERT_TRUE((*w)->write(*cam, 5000, 5000, std::vector<uint8_t>{0, 1, 0, 0, 9}).is_ok());  // not CDR of an Image
  write_message(**w, *cam, 6000, rgb);
  ASSERT_TRUE((*w)->close().is_ok());

  McapImageSourceOptions o;
  o.name = "bag";
  o.path = path("cam.mcap");  // topic: picked (the first image channel)
  auto src = McapImageSource::create(o);
  ASSERT_TRUE(src.is_ok()) << src.status().message();
  EXPECT_EQ((*src)->topic(), "/camera/image_raw");
  EXPECT_EQ((*src)->type(), kImageType);
  EXPECT_EQ((*src)->frame_count(), 6);
  EXPECT_FALSE((*src)->live());

  std::vector<pipeline::SourceFrame> frames;
  int errors = 0;
  for (int i = 0; i < 20; ++i) {
    auto f = (*src)->next();
    if (!f.is_ok()) {
      ++errors;
      EXPECT_NE(f.status().message().find("source 'bag'"), std::string::npos) << f.status().message();
      continue;
    }
    if (!f->has_value()) break;
    frames.push_back(std::move(**f));
  }
  EXPECT_EQ(errors, 3);
  EXPECT_EQ((*src)->invalid_messages(), 3u);
  ASSERT_EQ(frames.size(), 3u);
  const vision::ImageView& v = frames[0].frame.image;
  EXPECT_EQ(v.width, 4);
  EXPECT_EQ(v.height, 3);
  EXPECT_EQ(v.step, 14u);
  EXPECT_EQ(v.encoding, vision::PixelEncoding::kRgb8);
  EXPECT_EQ(std::vector<uint8_t>(v.data, v.data + v.size_bytes), rgb.data);
  EXPECT_EQ(frames[0].frame.header.frame_id, "cam_0");
  EXPECT_EQ(frames[0].frame.header.stamp_ns, 100 * 1000000000LL + 5);
  EXPECT_EQ(frames[1].frame.image.encoding, vision::PixelEncoding::kMono8);
  EXPECT_EQ(frames[1].frame.header.frame_id, "cam_1");
  EXPECT_NE(frames[0].pixels, nullptr);

  o.topic = "/nope";
  auto missing = McapImageSource::create(o);
  ASSERT_FALSE(missing.is_ok());
  EXPECT_NE(missing.status().message().find("/camera/image_raw"), std::string::npos) << "lists the topics it has";
  o.topic = "/other";
  EXPECT_EQ(McapImageSource::create(o).status().code(), StatusCode::kUnsupported);
}

TEST_F(McapSourceSink, ReplaysCompressedImagesAndLoops) {
  auto w = McapWriter::open(path("jpeg.mcap"));
  ASSERT_TRUE(w.is_ok());
  auto cam = (*w)->add_channel("/cam/compressed", std::string(kCompressedImageType), *ros2msg_definition(kCompressedImageType));
  ASSERT_TRUE(cam.is_ok());
  std::vector<uint8_t> px(6 * 4 * 3);
  for (size_t i = 0; i < px.size(); ++i) px[i] = static_cast<uint8_t>(i * 11);
  auto png = encode_image(vision::ImageView{px.data(), px.size(), 6, 4, 18, vision::PixelEncoding::kRgb8}, ImageFileFormat::kPng);
  ASSERT_TRUE(png.is_ok());
  msg::CompressedImage m;
  m.header = msg::Header{msg::Time{7, 8}, "lens"};
  m.format = "png";
  m.data = *png;
  write_message(**w, *cam, 10, m);
  m.format = "16UC1; compressedDepth";
  write_message(**w, *cam, 20, m);
  ASSERT_TRUE((*w)->close().is_ok());

  McapImageSourceOptions o;
  o.name = "jpeg";
  o.path = path("jpeg.mcap");
  o.topic = "/cam/compressed";
  o.loop = true;
  o.compressed_encoding = vision::PixelEncoding::kBgr8;
  o.frame_id = "override";
  auto src = McapImageSource::create(o);
  ASSERT_TRUE(src.is_ok()) << src.status().message();
  EXPECT_EQ((*src)->frame_count(), -1);  // looping: endless
  int good = 0, bad = 0;
  for (int i = 0; i < 6; ++i) {
    auto f = (*src)->next();
    if (!f.is_ok()) {
      ++bad;
      continue;
    }
    ASSERT_TRUE(f->has_value());
    ++good;
    const vision::ImageView& v = (*f)->frame.image;
    EXPECT_EQ(v.encoding, vision::PixelEncoding::kBgr8);
    EXPECT_EQ(v.data[0], px[2]);  // B of pixel 0
    EXPECT_EQ(v.data[2], px[0]);
    EXPECT_EQ((*f)->frame.header.frame_id, "override");
    EXPECT_EQ((*f)->frame.header.stamp_ns, 7 * 1000000000LL + 8);
  }
  EXPECT_EQ(good, 3);  // three passes over the bag
  EXPECT_EQ(bad, 3);   // the depth image each pass
}

TEST_F(McapSourceSink, RecordedRateIsKept) {
  auto w = McapWriter::open(path("rate.mcap"));
  ASSERT_TRUE(w.is_ok());
  auto cam = (*w)->add_channel("/cam", std::string(kImageType), *ros2msg_definition(kImageType));
  const msg::Image img = make_image(2, 2, "rgb8", 3, 0);
  for (int i = 0; i < 4; ++i) write_message(**w, *cam, 1000000000ULL + i * 100000000ULL, img);  // 10 Hz
  ASSERT_TRUE((*w)->close().is_ok());

  auto replay = [&](double rate) {
    McapImageSourceOptions o;
    o.name = "r";
    o.path = path("rate.mcap");
    o.rate = rate;
    auto src = McapImageSource::create(o);
    EXPECT_TRUE(src.is_ok());
    const auto start = std::chrono::steady_clock::now();
    int n = 0;
    while (true) {
      auto f = (*src)->next();
      if (!f.is_ok() || !f->has_value()) break;
      ++n;
    }
    EXPECT_EQ(n, 4);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  const double fast = replay(0);
  const double recorded = replay(1);
  const double double_speed = replay(2);
  EXPECT_LT(fast, 0.2);
  EXPECT_GE(recorded, 0.295);  // 3 gaps of 100 ms
  EXPECT_LT(recorded, 2.0);
  EXPECT_GE(double_speed, 0.145);
  EXPECT_LT(double_speed, recorded);

  // request_stop ends a paced wait at once.
  McapImageSourceOptions o;
  o.name = "r";
  o.path = path("rate.mcap");
  o.rate = 0.01;  // 10 s between frames
  auto src = McapImageSource::create(o);
  ASSERT_TRUE(src.is_ok());
  ASSERT_TRUE((*src)->next()->has_value());
  (*src)->request_stop();
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE((*src)->next()->has_value());
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 0.5);
}

pipeline::SinkItem sink_item(const std::string& model, const std::string& stream, int64_t sequence,
                             std::shared_ptr<const std::vector<uint8_t>> pixels) {
  pipeline::SinkItem item;
  item.model = model;
  item.stream = stream;
  item.result.header = pipeline::FrameHeader{1700000000123456789, "camera_optical"};
  item.result.sequence = sequence;
  item.result.image_width = 4;
  item.result.image_height = 2;
  vision::Detection d;
  d.x1 = 10;
  d.y1 = 20;
  d.x2 = 30;
  d.y2 = 60;
  d.score = 0.75f;
  d.class_id = 1;
  item.result.detections = {d};
  auto frame = std::make_shared<pipeline::PipelineFrame>();
  frame->frame.image = vision::ImageView{pixels->data(), pixels->size(), 4, 2, 14, vision::PixelEncoding::kRgb8};
  frame->frame.sequence = sequence;
  frame->pixels = pixels;
  item.frame = frame;
  return item;
}

TEST_F(McapSourceSink, DetectionSinkRecordsDetection2DArrayAndImages) {
  McapDetectionSinkOptions o;
  o.name = "rec";
  o.path = path("rec.mcap");
  o.detections_topic = "/{model}/{stream}/detections";
  o.image_topic = "/{stream}/image";
  o.class_ids_as_labels = true;
  auto sink = McapDetectionSink::create(o);
  ASSERT_TRUE(sink.is_ok()) << sink.status().message();
  auto pixels = std::make_shared<std::vector<uint8_t>>(28);
  for (size_t i = 0; i < pixels->size(); ++i) (*pixels)[i] = static_cast<uint8_t>(i);
  const std::vector<std::string> labels = {"person", "bicycle"};
  for (int64_t seq = 0; seq < 3; ++seq) {
    for (const std::string model : {"yolo", "det-2"}) {  // two models see the same frame: one image
      pipeline::SinkItem item = sink_item(model, "cam0", seq, pixels);
      item.labels = &labels;
      ASSERT_TRUE((*sink)->write(item).is_ok());
    }
  }
  ASSERT_TRUE((*sink)->close().is_ok());
  EXPECT_EQ((*sink)->messages_written(), 9u);

  auto r = McapReader::open(path("rec.mcap"));
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  ASSERT_NE((*r)->find_channel("/yolo/cam0/detections"), nullptr);
  ASSERT_NE((*r)->find_channel("/det_2/cam0/detections"), nullptr);  // '-' is not allowed in ROS names
  const ChannelRecord* det = (*r)->find_channel("/yolo/cam0/detections");
  EXPECT_EQ(det->message_encoding, "cdr");
  EXPECT_EQ(det->metadata.at("topic_type_hash"), *ros2_type_hash(kDetection2DArrayType));
  const SchemaRecord* schema = (*r)->schema_of(*det);
  ASSERT_NE(schema, nullptr);
  EXPECT_EQ(schema->name, kDetection2DArrayType);
  EXPECT_EQ(schema->encoding, "ros2msg");
  EXPECT_EQ(std::string(schema->data.begin(), schema->data.end()), *ros2msg_definition(kDetection2DArrayType));
  EXPECT_EQ((*r)->message_count("/cam0/image"), 3);
  EXPECT_EQ((*r)->message_count("/yolo/cam0/detections"), 3);

  (*r)->set_topic_filter({"/yolo/cam0/detections"});
  auto m = (*r)->next();
  ASSERT_TRUE(m.is_ok() && m->has_value());
  auto d = ros2::deserialize<msg::Detection2DArray>((*m)->data);
  ASSERT_TRUE(d.is_ok()) << d.status().message();
  EXPECT_EQ(d->header.frame_id, "camera_optical");
  EXPECT_EQ(d->header.stamp.sec, 1700000000);
  EXPECT_EQ(d->header.stamp.nanosec, 123456789u);
  ASSERT_EQ(d->detections.size(), 1u);
  const msg::Detection2D& det0 = d->detections[0];
  EXPECT_EQ(det0.header.frame_id, "camera_optical");
  EXPECT_EQ(det0.bbox.center.position.x, 20.0);
  EXPECT_EQ(det0.bbox.center.position.y, 40.0);
  EXPECT_EQ(det0.bbox.size_x, 20.0);
  EXPECT_EQ(det0.bbox.size_y, 40.0);
  ASSERT_EQ(det0.results.size(), 1u);
  EXPECT_EQ(det0.results[0].hypothesis.class_id, "bicycle");
  EXPECT_FLOAT_EQ(static_cast<float>(det0.results[0].hypothesis.score), 0.75f);

  (*r)->set_topic_filter({"/cam0/image"});
  auto im = (*r)->next();
  ASSERT_TRUE(im.is_ok() && im->has_value());
  auto image = ros2::deserialize<msg::Image>((*im)->data);
  ASSERT_TRUE(image.is_ok());
  EXPECT_EQ(image->encoding, "rgb8");
  EXPECT_EQ(image->step, 12u);  // rows without the source's padding
  EXPECT_EQ(image->data.size(), 24u);
  EXPECT_EQ(image->data[12], (*pixels)[14]);  // row 1 starts at the source's step
  EXPECT_EQ(image->header.frame_id, "camera_optical");
}

TEST(McapDetectionMessages, DecimalClassIdsByDefault) {
  pipeline::FrameResult r;
  vision::Detection d;
  d.class_id = 5;
  r.detections = {d};
  const std::vector<std::string> labels = {"a"};
  EXPECT_EQ(detections_to_message(r, &labels, true).detections[0].results[0].hypothesis.class_id, "5");  // beyond the labels
  EXPECT_EQ(detections_to_message(r, nullptr, false).detections[0].results[0].hypothesis.class_id, "5");
  EXPECT_EQ(expand_topic("det ections", "m", "s"), "/det_ections");
}

}  // namespace
}  // namespace fovea::io::mcap
