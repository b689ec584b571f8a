// fovea's side of the MCAP interop test (run_interop.sh):
//   mcap_interop_peer write DIR    writes DIR/fovea_{none,lz4,zstd}.mcap through McapDetectionSink
//                                  (detections + recorded images) and McapWriter (a CompressedImage),
//                                  for read_fovea_bag.js to check with @mcap/core
//   mcap_interop_peer check BAG... replays bags written by write_node_bags.js (@mcap/core) with
//                                  McapImageSource and checks every frame's header and pixels
// The generated contents are defined here and in the two scripts; keep them in step.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "io/image_file.h"
#include "io/mcap/mcap_detection_sink.h"
#include "io/mcap/mcap_image_source.h"
#include "io/mcap/ros2_message_definitions.h"

namespace fovea::io::mcap {
namespace {

int failures = 0;
void check(bool ok, const std::string& what) {
  if (!ok) {
    ++failures;
    std::fprintf(stderr, "FAIL: %s\n", what.c_str());
  }
}

constexpr int kFoveaImages = 5;  // read_fovea_bag.js: IMAGES
constexpr int kNodeImages = 6;   // write_node_bags.js: IMAGES

Status write_interop_bag(const std::string& path, Compression compression) {
  McapDetectionSinkOptions o;
  o.name = "interop";
  o.path = path;
  o.detections_topic = "/detections";
  o.image_topic = "/camera/image_raw";
  o.writer.compression = compression;
  o.writer.chunk_size = 256;  // several chunks
  FOVEA_ASSIGN_OR_RETURN(auto sink, McapDetectionSink::create(o));
  for (int i = 0; i < kFoveaImages; ++i) {
    auto pixels = std::make_shared<std::vector<uint8_t>>(24 * 6);
    for (size_t k = 0; k < pixels->size(); ++k) (*pixels)[k] = static_cast<uint8_t>((k * 7 + static_cast<size_t>(i) * 13) & 0xFF);
    auto frame = std::make_shared<pipeline::PipelineFrame>();
    frame->frame.image = vision::ImageView{pixels->data(), pixels->size(), 8, 6, 24, vision::PixelEncoding::kRgb8};
    frame->frame.sequence = i;
    frame->pixels = pixels;
    pipeline::SinkItem item{std::string("model"), std::string("stream")};
    item.frame = frame;
    item.result.header = pipeline::FrameHeader{(1700000000LL + i) * 1000000000LL + 1000 * i, "camera"};
    for (int j = 0; j < i; ++j) {  // image i has i detections
      vision::Detection d;
      d.x1 = 10.0f * j;
      d.y1 = 20.0f * j;
      d.x2 = d.x1 + 10;
      d.y2 = d.y1 + 20;
      d.score = 0.25f * (j + 1);
      d.class_id = j;
      item.result.detections.push_back(d);
    }
    FOVEA_RETURN_IF_ERROR(sink->write(item));
  }
  // One CompressedImage (PNG) on a topic of its own, through the sink's writer.
  std::vector<uint8_t> px(4 * 4 * 3, 200);
  FOVEA_ASSIGN_OR_RETURN(std::vector<uint8_t> png,
                         encode_image(vision::ImageView{px.data(), px.size(), 4, 4, 12, vision::PixelEncoding::kRgb8}, ImageFileFormat::kPng));
  msg::CompressedImage c;
  c.header = msg::Header{msg::Time{1700000000, 0}, "camera"};
  c.format = "png";
  c.data = png;
  FOVEA_ASSIGN_OR_RETURN(const uint16_t compressed,
                         sink->writer().add_channel("/camera/compressed", std::string(kCompressedImageType),
                                                    *ros2msg_definition(kCompressedImageType)));
  FOVEA_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, ros2::serialize(c));
  const uint64_t t = 1700000000ULL * 1000000000ULL;
  FOVEA_RETURN_IF_ERROR(sink->writer().write(compressed, t, t, bytes));
  return sink->close();
}

void check_node_bag(const std::string& path) {
  McapImageSourceOptions o;
  o.name = "node";
  o.path = path;
  o.topic = "/camera/image_raw";
  auto src = McapImageSource::create(o);
  check(src.is_ok(), path + ": open: " + src.status().message());
  if (!src.is_ok()) return;
  int i = 0;
  for (;; ++i) {
    auto f = (*src)->next();
    check(f.is_ok(), path + ": frame " + std::to_string(i) + ": " + f.status().message());
    if (!f.is_ok() || !f->has_value()) break;
    const pipeline::Frame& frame = (*f)->frame;
    const char* encodings[] = {"rgb8", "bgr8", "mono8"};
    const std::string at = path + ": frame " + std::to_string(i);
    check(vision::encoding_name(frame.image.encoding) == encodings[i % 3], at + ": encoding");
    const int channels = i % 3 == 2 ? 1 : 3;
    check(frame.image.width == 6 + i && frame.image.height == 4, at + ": size");
    check(frame.image.step == static_cast<size_t>((6 + i) * channels + (i % 2) * 3), at + ": step");
    check(frame.header.frame_id == "node_cam", at + ": frame_id");
    check(frame.header.stamp_ns == (1000LL + i) * 1000000000LL + 500 * i, at + ": stamp");
    int bad = 0;
    for (size_t k = 0; k < frame.image.size_bytes; ++k) bad += frame.image.data[k] != static_cast<uint8_t>((k * 5 + static_cast<size_t>(i) * 17) & 0xFF);
    check(bad == 0 && frame.image.size_bytes == frame.image.step * 4, at + ": pixels");
  }
  check(i == kNodeImages, path + ": " + std::to_string(i) + " frames, expected " + std::to_string(kNodeImages));
  check((*src)->reader_stats().dropped() == 0 && !(*src)->reader_stats().data_crc_mismatch, path + ": reader dropped records");
  if (failures == 0) std::printf("mcap_interop_peer: %s: ok (%d frames)\n", path.c_str(), i);
}

}  // namespace
}  // namespace fovea::io::mcap

int main(int argc, char** argv) {
  using namespace fovea::io::mcap;
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "write" && argc == 3) {
    for (Compression c : {Compression::kNone, Compression::kLz4, Compression::kZstd}) {
      const std::string name = c == Compression::kNone ? "none" : std::string(compression_name(c));
      const std::string path = std::string(argv[2]) + "/fovea_" + name + ".mcap";
      if (!compression_available(c)) {
        std::printf("mcap_interop_peer: %s not built in: no %s\n", name.c_str(), path.c_str());
        continue;
      }
      fovea::Status s = write_interop_bag(path, c);
      check(s.is_ok(), path + ": " + s.message());
    }
  } else if (mode == "check" && argc >= 3) {
    for (int i = 2; i < argc; ++i) check_node_bag(argv[i]);
  } else {
    std::fprintf(stderr, "usage: %s write DIR | check BAG...\n", argv[0]);
    return 2;
  }
  return failures == 0 ? 0 : 1;
}
