// The `mcap` source and sink of the pipeline YAML: parsing (rate forms, defaults, relative paths)
// and errors that name the key; then a whole pipeline assembled from YAML that replays a bag of
// three camera frames (written here with McapWriter) through a fake model and records to an MCAP
// sink, whose bag must read back (McapReader) as three Detection2DArray messages carrying the
// frames' headers.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>

#include <opencv2/imgproc.hpp>

#include "io/image_file.h"
#include "io/mcap/mcap_compression.h"
#include "io/mcap/mcap_reader.h"
#include "io/mcap/mcap_writer.h"
#include "io/ros2/cdr/cdr_codec.h"
#include "io/mcap/ros2_message_definitions.h"
#include "io/pipeline_assembly.h"
#include "pipeline/pipeline_config.h"
#include "pipeline_test_fakes.h"

namespace fovea::pipeline {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kModels = "models:\n  - {name: det, model_file_path: m.onnx}\n";

Result<PipelineConfig> parse(const std::string& sources, const std::string& sinks = "") {
  return parse_pipeline_config("sources:\n" + sources + kModels + (sinks.empty() ? "" : "sinks:\n" + sinks), "/base");
}

std::string error_of(const Result<PipelineConfig>& r) { return r.is_ok() ? "(parsed)" : r.status().message(); }

TEST(PipelineMcapConfig, ParsesSourceAndSink) {
  auto c = parse("  - {name: bag, type: mcap, path: run.mcap, topic: /cam/image_raw, rate: recorded, loop: true}\n"
                 "  - {name: fast, type: mcap, path: /abs/b.mcap, rate: 2.5}\n"
                 "  - {name: max, type: mcap, path: c.mcap, rate: max}\n",
                 "  - {type: mcap, path: out/rec.mcap, compression: none, record_images: true, topic: /dets}\n"
                 "  - {type: mcap, path: d.mcap}\n");
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  ASSERT_EQ(c->sources.size(), 3u);
  EXPECT_EQ(c->sources[0].kind, SourceKind::kMcap);
  EXPECT_EQ(c->sources[0].path, "/base/run.mcap");
  EXPECT_EQ(c->sources[0].topic, "/cam/image_raw");
  EXPECT_EQ(c->sources[0].replay_rate, 1.0);
  EXPECT_TRUE(c->sources[0].loop);
  EXPECT_EQ(c->sources[1].path, "/abs/b.mcap");
  EXPECT_EQ(c->sources[1].replay_rate, 2.5);
  EXPECT_EQ(c->sources[2].replay_rate, 0.0);
  EXPECT_TRUE(c->sources[2].topic.empty());
  EXPECT_EQ(source_kind_name(c->sources[0].kind), "mcap");
  ASSERT_EQ(c->sinks.size(), 2u);
  EXPECT_EQ(c->sinks[0].kind, SinkKind::kMcap);
  EXPECT_EQ(c->sinks[0].path, "/base/out/rec.mcap");
  EXPECT_EQ(c->sinks[0].compression, "none");
  EXPECT_TRUE(c->sinks[0].record_images);
  EXPECT_EQ(c->sinks[0].topic, "/dets");
  EXPECT_EQ(c->sinks[1].name, "mcap_1");
  EXPECT_EQ(c->sinks[1].compression, "zstd");
  EXPECT_EQ(c->sinks[1].topic, "/fovea/detections");
  EXPECT_FALSE(c->sinks[1].record_images);
  EXPECT_EQ(sink_kind_name(c->sinks[1].kind), "mcap");
}

TEST(PipelineMcapConfig, ErrorsNameTheKey) {
  const std::string ok_source = "  - {name: bag, type: mcap, path: a.mcap}\n";
  EXPECT_NE(error_of(parse("  - {name: bag, type: mcap}\n")).find("sources[0].path: missing"), std::string::npos)
      << error_of(parse("  - {name: bag, type: mcap}\n"));
  EXPECT_NE(error_of(parse("  - {type: mcap, path: a.mcap}\n")).find("sources[0].name: missing"), std::string::npos);
  for (const char* rate : {"fast", "0", "-1", "[1]"}) {
    const auto r = parse(std::string("  - {name: bag, type: mcap, path: a.mcap, rate: ") + rate + "}\n");
    EXPECT_NE(error_of(r).find("sources[0].rate"), std::string::npos) << rate << ": " << error_of(r);
  }
  EXPECT_NE(error_of(parse("  - {name: bag, type: mcap, path: a.mcap, fps: 3}\n")).find("sources[0].fps: unknown key"),
            std::string::npos);
  EXPECT_NE(error_of(parse(ok_source, "  - {type: mcap}\n")).find("sinks[0].path: missing"), std::string::npos);
  const auto bad = parse(ok_source, "  - {type: mcap, path: r.mcap, compression: gzip}\n");
  EXPECT_NE(error_of(bad).find("sinks[0].compression: 'gzip' is not zstd, lz4 or none"), std::string::npos)
      << error_of(bad);
  EXPECT_NE(error_of(parse(ok_source, "  - {type: mcap, path: r.mcap, format: png}\n")).find("sinks[0].format: unknown key"),
            std::string::npos);
  EXPECT_NE(error_of(parse(ok_source, "  - {type: mcap, path: r.mcap, record_images: maybe}\n")).find("sinks[0].record_images"),
            std::string::npos);
  // A compression this build lacks is refused at parse time; one it has parses.
  for (auto [name, c] : {std::pair{"zstd", io::mcap::Compression::kZstd}, std::pair{"lz4", io::mcap::Compression::kLz4}}) {
    const auto r = parse(ok_source, std::string("  - {type: mcap, path: r.mcap, compression: ") + name + "}\n");
    if (io::mcap::compression_available(c)) {
      EXPECT_TRUE(r.is_ok()) << error_of(r);
    } else {
      EXPECT_NE(error_of(r).find("sinks[0].compression"), std::string::npos) << error_of(r);
    }
  }
  // check_pipeline_config: the bag must exist.
  auto missing = parse_pipeline_config("sources:\n  - {name: bag, type: mcap, path: no_such.mcap}\n" + kModels,
                                       fs::temp_directory_path().string());
  ASSERT_TRUE(missing.is_ok());
  const Status st = check_pipeline_config(*missing);
  EXPECT_NE(st.message().find("sources[0].path"), std::string::npos) << st.message();
}

// Three 320x180 frames from the demo samples as sensor_msgs/Image, 100 ms apart.
std::vector<io::ros2::msg::Image> write_camera_bag(const std::string& path) {
  std::vector<io::ros2::msg::Image> images;
  io::mcap::McapWriterOptions wo;
  wo.compression = io::mcap::Compression::kNone;
  auto w = io::mcap::McapWriter::open(path, wo);
  EXPECT_TRUE(w.is_ok());
  if (!w.is_ok()) return images;
  auto channel = (*w)->add_channel("/camera/image_raw", std::string(io::mcap::kImageType),
                                   *io::mcap::ros2msg_definition(io::mcap::kImageType));
  EXPECT_TRUE(channel.is_ok());
  for (int i = 0; i < 3; ++i) {
    const std::string file = fmt::format("{}/models/demo/samples/images/{:06d}.jpg", FOVEA_SOURCE_DIR, i);
    auto decoded = io::read_image_file(file);
    EXPECT_TRUE(decoded.is_ok()) << file;
    if (!decoded.is_ok()) return {};
    const cv::Mat full(decoded->height, decoded->width, CV_8UC3, decoded->pixels.data());
    cv::Mat small;
    cv::resize(full, small, cv::Size(320, 180), 0, 0, cv::INTER_AREA);
    io::ros2::msg::Image m;
    m.header = io::ros2::msg::Header{io::ros2::msg::Time{1700000000 + i, static_cast<uint32_t>(i * 1000)}, "camera_" + std::to_string(i)};
    m.width = 320;
    m.height = 180;
    m.encoding = "rgb8";
    m.step = 320 * 3;
    m.data.assign(small.data, small.data + small.total() * small.elemSize());
    auto bytes = io::ros2::serialize(m);
    EXPECT_TRUE(bytes.is_ok());
    const uint64_t t = 1'000'000'000ull + static_cast<uint64_t>(i) * 100'000'000ull;
    EXPECT_TRUE((*w)->write(*channel, t, t, *bytes).is_ok());
    images.push_back(std::move(m));
  }
  EXPECT_TRUE((*w)->close().is_ok());
  return images;
}

TEST(PipelineMcapConfig, ReplaysABagAndRecordsDetections) {
  const fs::path dir = fs::temp_directory_path() / "fovea_pipeline_mcap_config_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::vector<io::ros2::msg::Image> images = write_camera_bag((dir / "camera.mcap").string());
  ASSERT_EQ(images.size(), 3u);
  const std::string compression = io::mcap::compression_available(io::mcap::Compression::kZstd) ? "zstd" : "none";
  const std::string yaml =
      "sources:\n"
      "  - {name: bag, type: mcap, path: camera.mcap, rate: max}\n"
      "models:\n"
      "  - {name: det, model_file_path: fake.onnx, max_batch_size: 2}\n"
      "sinks:\n"
      "  - {type: mcap, path: out/detections.mcap, compression: " + compression + "}\n";
  auto config = parse_pipeline_config(yaml, dir.string());
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  auto factory = [](const VisionModelConfig&) -> Result<std::unique_ptr<VisionModel>> {
    return std::unique_ptr<VisionModel>(std::make_unique<testing::FakeVisionModel>(2, 200us));
  };
  PipelineOptions options;
  options.use_nvml = false;
  auto assembled = io::assemble_pipeline(*config, options, factory);
  ASSERT_TRUE(assembled.is_ok()) << assembled.status().to_string();
  EXPECT_EQ(assembled->finite_frames, 3);
  Pipeline& p = *assembled->pipeline;
  ASSERT_TRUE(p.start().is_ok());
  ASSERT_TRUE(p.wait_for(30s));
  p.wait();
  EXPECT_TRUE(p.accounting().check_balanced().is_ok());

  auto reader = io::mcap::McapReader::open((dir / "out/detections.mcap").string());
  ASSERT_TRUE(reader.is_ok()) << reader.status().to_string();
  std::vector<io::ros2::msg::Detection2DArray> arrays;
  for (auto m = (*reader)->next(); m.is_ok() && m->has_value(); m = (*reader)->next()) {
    EXPECT_EQ((*m)->channel->topic, "/fovea/detections");
    ASSERT_NE((*m)->schema, nullptr);
    EXPECT_EQ((*m)->schema->name, io::mcap::kDetection2DArrayType);
    auto array = io::ros2::deserialize<io::ros2::msg::Detection2DArray>((*m)->data);
    ASSERT_TRUE(array.is_ok()) << array.status().to_string();
    arrays.push_back(std::move(array).value());
  }
  EXPECT_EQ((*reader)->stats().dropped(), 0u);
  ASSERT_EQ(arrays.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(arrays[i].header.frame_id, images[i].header.frame_id);
    EXPECT_EQ(arrays[i].header.stamp.sec, images[i].header.stamp.sec);
    EXPECT_EQ(arrays[i].header.stamp.nanosec, images[i].header.stamp.nanosec);
    ASSERT_EQ(arrays[i].detections.size(), 1u);  // the fake model: one box over the whole image
    EXPECT_DOUBLE_EQ(arrays[i].detections[0].bbox.size_x, 320.0);
    EXPECT_DOUBLE_EQ(arrays[i].detections[0].bbox.size_y, 180.0);
    EXPECT_DOUBLE_EQ(arrays[i].detections[0].bbox.center.position.x, 160.0);
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace fovea::pipeline
