// Pipeline sources and sinks of src/io/: synthetic camera, image folder, JSON lines and annotated
// images; and a whole run assembled from a YAML config with a fake model.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <future>

#include <nlohmann/json.hpp>

#include "io/file_sources.h"
#include "io/image_file.h"
#include "io/pipeline_assembly.h"
#include "io/result_sinks.h"
#include "io/synthetic_camera_source.h"
#include "io/video_file.h"
#include "pipeline_test_fakes.h"

namespace fovea::io {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::vector<uint8_t> bytes_of(const pipeline::SourceFrame& f) {
  return {f.frame.image.data, f.frame.image.data + f.frame.image.size_bytes};
}

TEST(PipelineIo, SyntheticCameraRecycledBuffersEqualFreshOnes) {
  SyntheticCameraOptions o;
  o.name = "cam_3";
  o.width = 320;
  o.height = 240;
  o.stream_index = 3;
  o.paced = false;
  o.max_frames = 12;
  auto recycled = SyntheticCameraSource::create(o);
  auto fresh = SyntheticCameraSource::create(o);
  ASSERT_TRUE(recycled.is_ok() && fresh.is_ok());
  std::vector<pipeline::SourceFrame> held;  // keeps every buffer of `fresh` busy: each is new
  std::vector<uint8_t> previous;
  for (int i = 0; i < 12; ++i) {
    auto a = (*recycled)->next();
    auto b = (*fresh)->next();
    ASSERT_TRUE(a.is_ok() && a->has_value() && b.is_ok() && b->has_value());
    const std::vector<uint8_t> pa = bytes_of(**a);
    EXPECT_EQ(pa, bytes_of(**b)) << "frame " << i << ": restoring the dirty regions must give the same image";
    EXPECT_NE(pa, previous) << "frame " << i << ": the shapes move";
    EXPECT_EQ((*a)->frame.header.frame_id, "cam_3");
    EXPECT_EQ((*a)->frame.image.width, 320);
    previous = pa;
    held.push_back(std::move(**b));
  }
  EXPECT_FALSE((*recycled)->next()->has_value()) << "max_frames ends the stream";
  EXPECT_EQ((*recycled)->frame_count(), 12);
}

TEST(PipelineIo, SyntheticCameraPacesRealTimestampsAndStops) {
  SyntheticCameraOptions o;
  o.width = 64;
  o.height = 48;
  o.fps = 50;
  auto cam = SyntheticCameraSource::create(o);
  ASSERT_TRUE(cam.is_ok());
  const auto t0 = std::chrono::steady_clock::now();
  int64_t last_stamp = 0;
  for (int i = 0; i < 6; ++i) {
    auto f = (*cam)->next();
    ASSERT_TRUE(f.is_ok() && f->has_value());
    EXPECT_GT((*f)->frame.header.stamp_ns, last_stamp);
    last_stamp = (*f)->frame.header.stamp_ns;
  }
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_GE(ms, 5 * 20.0 - 1.0) << "6 frames at 50 fps span 5 periods";

  o.fps = 0.5;  // a 2 s period: request_stop must cut the wait short
  auto slow = SyntheticCameraSource::create(o);
  ASSERT_TRUE((*slow)->next()->has_value());
  auto waiting = std::async(std::launch::async, [&] { return (*slow)->next(); });
  std::this_thread::sleep_for(30ms);
  (*slow)->request_stop();
  ASSERT_EQ(waiting.wait_for(1s), std::future_status::ready);
  EXPECT_FALSE(waiting.get()->has_value());
  EXPECT_FALSE(SyntheticCameraSource::create({.name = "x", .width = 8}).is_ok());
}

TEST(PipelineIo, ImageFolderSourceSkipsCorruptFilesByName) {
  const fs::path dir = fresh_dir("fovea_pipeline_folder_test");
  std::vector<uint8_t> pixels(40 * 30 * 3, 77);
  const vision::ImageView view{pixels.data(), pixels.size(), 40, 30, 120, vision::PixelEncoding::kRgb8};
  ASSERT_TRUE(write_image_file((dir / "a.png").string(), view).is_ok());
  ASSERT_TRUE(write_image_file((dir / "c.jpg").string(), view).is_ok());
  std::ofstream(dir / "b.jpg") << "not a jpeg";
  std::ofstream(dir / "notes.txt") << "ignored";
  auto src = ImageFolderSource::create({.name = "pics", .path = dir.string()});
  ASSERT_TRUE(src.is_ok()) << src.status().to_string();
  EXPECT_EQ((*src)->frame_count(), 3);
  EXPECT_FALSE((*src)->live());
  auto first = (*src)->next();
  ASSERT_TRUE(first.is_ok() && first->has_value());
  EXPECT_EQ((*first)->frame.image.width, 40);
  EXPECT_EQ((*first)->frame.source, (dir / "a.png").string());
  auto bad = (*src)->next();
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("b.jpg"), std::string::npos) << bad.status().message();
  EXPECT_TRUE((*src)->next()->has_value());
  EXPECT_FALSE((*src)->next()->has_value());
  EXPECT_FALSE(ImageFolderSource::create({.name = "none", .path = (dir / "missing").string()}).is_ok());
  fs::remove_all(dir);
}

pipeline::SinkItem sample_item(std::vector<uint8_t>& pixels) {
  pixels.assign(64 * 48 * 3, 30);
  auto frame = std::make_shared<pipeline::PipelineFrame>();
  frame->frame.image = vision::ImageView{pixels.data(), pixels.size(), 64, 48, 192, vision::PixelEncoding::kRgb8};
  frame->frame.source = "cam/0";
  frame->frame.sequence = 7;
  pipeline::SinkItem item;
  item.model = "det";
  item.stream = "cam/0";
  item.frame = frame;
  item.result.source = "cam/0";
  item.result.sequence = 7;
  item.result.image_width = 64;
  item.result.image_height = 48;
  item.result.header.frame_id = "front";
  vision::Detection d;
  d.x1 = 4, d.y1 = 5, d.x2 = 30, d.y2 = 40, d.score = 0.9f, d.class_id = 1;
  item.result.detections.push_back(d);
  item.batch_size = 3;
  item.end_to_end_ms = 12.5;
  return item;
}

TEST(PipelineIo, JsonLinesAndAnnotatedImageSinks) {
  const fs::path dir = fresh_dir("fovea_pipeline_sink_test");
  std::vector<uint8_t> pixels;
  const pipeline::SinkItem item = sample_item(pixels);
  const std::vector<std::string> labels{"person", "car"};
  pipeline::SinkItem labelled = item;
  labelled.labels = &labels;

  auto jsonl = JsonLinesSink::create("j", (dir / "sub/out.jsonl").string());
  ASSERT_TRUE(jsonl.is_ok()) << jsonl.status().to_string();
  ASSERT_TRUE((*jsonl)->write(labelled).is_ok());
  ASSERT_TRUE((*jsonl)->write(item).is_ok());
  ASSERT_TRUE((*jsonl)->close().is_ok());
  std::ifstream in(dir / "sub/out.jsonl");
  std::string line;
  std::vector<nlohmann::json> lines;
  while (std::getline(in, line)) lines.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["model"], "det");
  EXPECT_EQ(lines[0]["stream"], "cam/0");
  EXPECT_EQ(lines[0]["sequence"], 7);
  EXPECT_EQ(lines[0]["batch_size"], 3);
  EXPECT_DOUBLE_EQ(lines[0]["end_to_end_ms"].get<double>(), 12.5);
  EXPECT_EQ(lines[0]["detections"][0]["label"], "car");
  EXPECT_EQ(lines[0]["header"]["frame_id"], "front");

  auto images = AnnotatedImageSink::create("i", (dir / "img").string(), "png");
  ASSERT_TRUE(images.is_ok());
  ASSERT_TRUE((*images)->write(labelled).is_ok());
  const fs::path written = dir / "img/det/cam_0_000007.png";
  ASSERT_TRUE(fs::exists(written)) << written;
  auto decoded = read_image_file(written.string());
  ASSERT_TRUE(decoded.is_ok());
  EXPECT_EQ(decoded->width, 64);
  EXPECT_NE(decoded->pixels, pixels) << "the box must be drawn";
  EXPECT_FALSE(AnnotatedImageSink::create("i", (dir / "img").string(), "gif").is_ok());
  fs::remove_all(dir);
}

TEST(PipelineIo, VideoFileSourceAndAnnotatedVideoSink) {
  if (!video_support_available()) GTEST_SKIP() << "built without OpenCV videoio";
  const fs::path dir = fresh_dir("fovea_pipeline_video_test");
  // Annotated video out: 6 frames of one stream make one file.
  auto sink = AnnotatedVideoSink::create("v", dir.string(), 10);
  ASSERT_TRUE(sink.is_ok()) << sink.status().to_string();
  std::vector<uint8_t> pixels;
  pipeline::SinkItem item = sample_item(pixels);
  for (int i = 0; i < 6; ++i) {
    item.result.sequence = i;
    ASSERT_TRUE((*sink)->write(item).is_ok());
  }
  ASSERT_TRUE((*sink)->close().is_ok());
  const fs::path video = dir / "det_cam_0.mp4";
  ASSERT_TRUE(fs::exists(video));
  // ... and read back as a source: 6 frames of 64x48, converted to rgb8, then the end.
  auto src = VideoFileSource::create({.name = "clip", .path = video.string()});
  ASSERT_TRUE(src.is_ok()) << src.status().to_string();
  int frames = 0;
  for (auto f = (*src)->next(); f.is_ok() && f->has_value(); f = (*src)->next()) {
    EXPECT_EQ((*f)->frame.image.width, 64);
    EXPECT_EQ((*f)->frame.image.encoding, vision::PixelEncoding::kRgb8);
    ++frames;
  }
  EXPECT_EQ(frames, 6);
  EXPECT_FALSE(VideoFileSource::create({.name = "none", .path = (dir / "missing.mp4").string()}).is_ok());
  fs::remove_all(dir);
}

TEST(PipelineIo, AssembledFromYamlWithAFakeModel) {
  const fs::path dir = fresh_dir("fovea_pipeline_assembly_test");
  const std::string yaml =
      "sources:\n"
      "  - {name: cam, type: synthetic, streams: 3, fps: 200, width: 64, height: 48, frames: 5}\n"
      "models:\n"
      "  - {name: det, model_file_path: fake.onnx, max_batch_size: 4, sources: [cam_0, cam_2]}\n"
      "batching: {max_queue_delay_us: 2000}\n"
      "queues: {depth: 8, policy: block}\n"
      "sinks:\n"
      "  - {type: json_lines, path: out/r.jsonl}\n";
  Result<pipeline::PipelineConfig> config = pipeline::parse_pipeline_config(yaml, dir.string());
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  int created = 0;
  auto factory = [&](const pipeline::VisionModelConfig& c) -> Result<std::unique_ptr<pipeline::VisionModel>> {
    ++created;
    EXPECT_EQ(c.max_batch_size, 4);
    return std::unique_ptr<pipeline::VisionModel>(std::make_unique<pipeline::testing::FakeVisionModel>(4, 500us));
  };
  pipeline::PipelineOptions options;
  options.use_nvml = false;
  auto assembled = assemble_pipeline(*config, options, factory);
  ASSERT_TRUE(assembled.is_ok()) << assembled.status().to_string();
  EXPECT_EQ(created, 1);
  EXPECT_EQ(assembled->finite_frames, 15);
  EXPECT_FALSE(assembled->has_endless_source);
  pipeline::Pipeline& p = *assembled->pipeline;
  ASSERT_TRUE(p.start().is_ok());
  ASSERT_TRUE(p.wait_for(30s));
  p.wait();
  EXPECT_TRUE(p.accounting().check_balanced().is_ok());
  EXPECT_EQ(p.accounting().lane_count(), 2u) << "det reads cam_0 and cam_2 only";
  std::ifstream in(dir / "out/r.jsonl");
  std::map<std::string, int> per_stream;
  std::string line;
  while (std::getline(in, line)) per_stream[nlohmann::json::parse(line)["stream"]]++;
  EXPECT_EQ(per_stream, (std::map<std::string, int>{{"cam_0", 5}, {"cam_2", 5}}));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace fovea::io
