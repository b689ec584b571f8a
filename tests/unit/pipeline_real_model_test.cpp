// The pipeline with the real CPU VisionModel: the YOLOv8n-architecture model (random weights,
// 640x640 input) on two synthetic cameras, batched across them. Slow-ish (a few CPU inferences).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "io/pipeline_assembly.h"

namespace fovea::io {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

TEST(PipelineRealModel, YoloOnTwoSyntheticCamerasOnTheCpu) {
  const fs::path dir = fs::temp_directory_path() / "fovea_pipeline_real_model_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string yaml = "sources:\n"
                           "  - {name: cam, type: synthetic, streams: 2, fps: 50, width: 320, height: 240, frames: 2}\n"
                           "models:\n"
                           "  - name: det\n"
                           "    model_file_path: " + std::string(FOVEA_SOURCE_DIR) + "/models/demo/detector.onnx\n"
                           "    max_batch_size: 2\n"
                           "    confidence_threshold: 0.0\n"
                           "    max_detections: 50\n"
                           "batching: {max_queue_delay_us: 100000}\n"
                           "queues: {depth: 4, policy: block}\n"
                           "sinks:\n"
                           "  - {type: json_lines, path: r.jsonl}\n";
  Result<pipeline::PipelineConfig> config = pipeline::parse_pipeline_config(yaml, dir.string());
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  ASSERT_TRUE(pipeline::check_pipeline_config(*config).is_ok());
  pipeline::PipelineOptions options;
  options.use_nvml = false;
  auto assembled = assemble_pipeline(*config, options);
  ASSERT_TRUE(assembled.is_ok()) << assembled.status().to_string();
  EXPECT_NE(assembled->model_descriptions[0].find("YOLOv8"), std::string::npos) << assembled->model_descriptions[0];
  pipeline::Pipeline& p = *assembled->pipeline;
  ASSERT_TRUE(p.start().is_ok());
  ASSERT_TRUE(p.wait_for(120s));
  p.wait();
  EXPECT_TRUE(p.accounting().check_balanced().is_ok());
  const pipeline::MetricsSnapshot s = p.snapshot();
  EXPECT_EQ(s.models[0].inference_count, 4u);
  EXPECT_EQ(s.models[0].request_failures, 0u);
  EXPECT_GT(s.models[0].stages[static_cast<size_t>(pipeline::Stage::kInfer)].p50_ms, 0.0);
  EXPECT_GT(s.models[0].stages[static_cast<size_t>(pipeline::Stage::kEncode)].p50_ms, 0.0);

  std::ifstream in(dir / "r.jsonl");
  std::string line;
  int lines = 0;
  size_t boxes = 0;
  while (std::getline(in, line)) {
    const nlohmann::json j = nlohmann::json::parse(line);
    ++lines;
    EXPECT_EQ(j["width"], 320);
    for (const auto& d : j["detections"]) {
      ++boxes;
      const auto& b = d["box"];
      EXPECT_GE(b[0].get<double>(), 0.0);
      EXPECT_LE(b[2].get<double>(), 320.0);
      EXPECT_GE(b[1].get<double>(), 0.0);
      EXPECT_LE(b[3].get<double>(), 240.0);
    }
  }
  EXPECT_EQ(lines, 4);
  EXPECT_GT(boxes, 0u) << "a 0 threshold keeps every anchor with a positive score";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace fovea::io
