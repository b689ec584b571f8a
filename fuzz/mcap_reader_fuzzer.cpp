// libFuzzer target for MCAP bags (io/mcap/): every input is opened with McapReader (magic, Header,
// Footer and summary, or the linear scan), all its messages are read in log-time order, then again
// through a topic filter, and each message goes through the CDR decoders of the messages fovea
// replays and records (Image, CompressedImage, Detection2DArray) and the Image -> frame checks.
// A decoded message must serialize and decode again to the same fields. Any crash, sanitizer
// report or failed round trip is a bug; damaged input must only ever be an error or a counted skip.
//
// Seed corpus: `mcap_reader_fuzzer --write-seeds DIR` writes small valid bags (uncompressed, lz4,
// zstd, with and without a summary) into DIR and exits; scripts/fuzz does this before fuzzing.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include "core/logging.h"
#include "io/mcap/mcap_compression.h"
#include "io/mcap/mcap_image_source.h"
#include "io/mcap/mcap_reader.h"
#include "io/mcap/mcap_writer.h"
#include "io/mcap/ros2_message_definitions.h"
#include "io/ros2/cdr/cdr_codec.h"

namespace {

using namespace fovea::io::mcap;
namespace ros2 = fovea::io::ros2;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "mcap_reader_fuzzer: %s\n", what);
  std::abort();
}

fovea::Status write_seed(const std::string& path, Compression compression) {
  McapWriterOptions o;
  o.compression = compression;
  o.chunk_size = 600;
  FOVEA_ASSIGN_OR_RETURN(auto w, McapWriter::open(path, o));
  FOVEA_ASSIGN_OR_RETURN(const uint16_t image, w->add_channel("/camera/image_raw", std::string(kImageType), *ros2msg_definition(kImageType)));
  FOVEA_ASSIGN_OR_RETURN(const uint16_t dets, w->add_channel("/detections", std::string(kDetection2DArrayType),
                                                             *ros2msg_definition(kDetection2DArrayType)));
  FOVEA_ASSIGN_OR_RETURN(const uint16_t jpeg, w->add_channel("/camera/compressed", std::string(kCompressedImageType),
                                                             *ros2msg_definition(kCompressedImageType)));
  for (int i = 0; i < 4; ++i) {
    msg::Image m;
    m.header = msg::Header{msg::Time{i, 7}, "cam"};
    m.width = 4;
    m.height = 3;
    m.encoding = i % 2 ? "mono8" : "rgb8";
    m.step = i % 2 ? 4 : 12;
    m.data.assign(static_cast<size_t>(m.step) * 3, static_cast<uint8_t>(i));
    FOVEA_ASSIGN_OR_RETURN(auto bytes, ros2::serialize(m));
    FOVEA_RETURN_IF_ERROR(w->write(image, 100 - i, 100 - i, bytes));
    msg::Detection2DArray d;
    d.header = m.header;
    for (int j = 0; j < i; ++j) {
      msg::Detection2D& det = d.detections.emplace_back();
      det.results.emplace_back().hypothesis = msg::ObjectHypothesis{std::to_string(j), 0.5};
      det.bbox.size_x = j;
    }
    FOVEA_ASSIGN_OR_RETURN(auto det_bytes, ros2::serialize(d));
    FOVEA_RETURN_IF_ERROR(w->write(dets, 100 + i, 100 + i, det_bytes));
  }
  msg::CompressedImage c;
  c.format = "jpeg";
  c.data = {0xFF, 0xD8, 0xFF, 0xD9};
  FOVEA_ASSIGN_OR_RETURN(auto c_bytes, ros2::serialize(c));
  FOVEA_RETURN_IF_ERROR(w->write(jpeg, 50, 50, c_bytes));
  return w->close();
}

int write_seeds(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  int written = 0;
  for (Compression c : {Compression::kNone, Compression::kLz4, Compression::kZstd}) {
    if (!compression_available(c)) continue;
    const std::string name = c == Compression::kNone ? "none" : std::string(compression_name(c));
    const std::string path = (dir / ("bag_" + name + ".mcap")).string();
    if (!write_seed(path, c).is_ok()) continue;
    ++written;
    // The same bag cut after DataEnd: no summary, so the fuzzer exercises the linear scan too.
    std::ifstream in(path, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
    if (bytes.size() < 36) continue;
    uint64_t summary_start = 0;
    std::memcpy(&summary_start, bytes.data() + bytes.size() - 28, 8);  // Footer.summary_start (little-endian host)
    if (summary_start == 0 || summary_start > bytes.size()) continue;
    std::ofstream((dir / ("bag_" + name + "_no_summary.mcap")).string(), std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(summary_start));
    ++written;
  }
  std::printf("mcap_reader_fuzzer: wrote %d seed bags to %s\n", written, dir.c_str());
  return written > 0 ? 0 : 1;
}

void check_message(const McapMessage& m) {
  if (auto image = ros2::deserialize<msg::Image>(m.data); image.is_ok()) {
    auto again = ros2::serialize(*image);
    if (!again.is_ok()) fail("a decoded Image does not serialize");
    auto back = ros2::deserialize<msg::Image>(*again);
    if (!back.is_ok() || back->data != image->data || back->encoding != image->encoding || back->step != image->step ||
        back->header.frame_id != image->header.frame_id)
      fail("an Image does not survive serialize -> deserialize");
    (void)image_message_to_frame(std::make_shared<const msg::Image>(std::move(image).value()), "fuzz");
  }
  if (auto c = ros2::deserialize<msg::CompressedImage>(m.data); c.is_ok()) {
    auto again = ros2::serialize(*c);
    if (!again.is_ok() || !ros2::deserialize<msg::CompressedImage>(*again).is_ok())
      fail("a CompressedImage does not round-trip");
  }
  if (auto d = ros2::deserialize<msg::Detection2DArray>(m.data); d.is_ok()) {
    auto again = ros2::serialize(*d);
    if (!again.is_ok()) fail("a decoded Detection2DArray does not serialize");
    auto back = ros2::deserialize<msg::Detection2DArray>(*again);
    if (!back.is_ok() || back->detections.size() != d->detections.size()) fail("a Detection2DArray does not round-trip");
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  fovea::log::set_level(fovea::log::Level::kOff);
  if (*argc >= 3 && std::strcmp((*argv)[1], "--write-seeds") == 0) std::exit(write_seeds((*argv)[2]));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  McapReaderOptions options;
  options.max_chunk_bytes = 16 << 20;  // lying sizes must be refused, not allocated
  options.max_summary_bytes = 16 << 20;
  auto reader = McapReader::open_memory(std::vector<uint8_t>(data, data + size), options, "fuzz.mcap");
  if (!reader.is_ok()) return 0;
  McapReader& r = **reader;
  std::string first_topic;
  for (int i = 0; i < 10000; ++i) {
    auto m = r.next();
    if (!m.is_ok()) fail("next() failed on an in-memory file (only I/O may fail)");
    if (!m->has_value()) break;
    const McapMessage& msg = **m;
    if (msg.channel == nullptr) fail("a message without its channel");
    if (first_topic.empty()) first_topic = msg.channel->topic;
    check_message(msg);
  }
  if (!first_topic.empty()) {
    r.set_topic_filter({first_topic});
    for (int i = 0; i < 10000; ++i) {
      auto m = r.next();
      if (!m.is_ok()) fail("next() failed on an in-memory file (filtered)");
      if (!m->has_value()) break;
      if ((*m)->channel->topic != first_topic) fail("the topic filter let another topic through");
    }
  }
  return 0;
}
