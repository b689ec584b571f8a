// Chained models in the pipeline YAML: crops_from and the crop_* keys parse, mistakes fail before
// the start naming their key, and a config assembles into a running chain whose JSON lines carry
// each detection's classes (fake models through the assembly's model factory).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "io/pipeline_assembly.h"
#include "pipeline/pipeline_config.h"
#include "pipeline_chain_fakes.h"

namespace fovea::pipeline {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kModels = std::string(FOVEA_SOURCE_DIR) + "/models";

// sources: one synthetic camera; models[0] "det" (the demo detector, its labels) with
// `det_keys`, models[1] "cls" (MobileNetV3-Small) crops_from det with `cls_keys`; `extra_models`
// appended to the model list.
std::string chain_text(const std::string& cls_keys = "", const std::string& det_keys = "",
                       const std::string& extra_models = "") {
  return "sources:\n"
         "  - {name: cam, type: synthetic, fps: 30}\n"
         "models:\n"
         "  - name: det\n"
         "    model_file_path: " + kModels + "/demo/detector.onnx\n"
         "    labels: " + kModels + "/demo/labels.txt\n" +
         det_keys +
         "  - name: cls\n"
         "    model_file_path: " + kModels + "/mobilenetv3_small.onnx\n"
         "    crops_from: det\n" +
         cls_keys + extra_models +
         "sinks:\n"
         "  - type: null\n";
}

std::string parse_error(const std::string& text) {
  auto c = parse_pipeline_config(text, "/tmp");
  return c.is_ok() ? std::string() : c.status().message();
}

std::string check_error(const std::string& text) {
  auto c = parse_pipeline_config(text, "/tmp");
  if (!c.is_ok()) return "parse: " + c.status().message();
  const Status st = check_pipeline_config(*c);
  return st.is_ok() ? std::string() : st.message();
}

void expect_contains(const std::string& message, const std::string& part) {
  EXPECT_NE(message.find(part), std::string::npos) << "message: " << message << "\nexpected: " << part;
}

TEST(PipelineChainConfig, KeysParseWithDefaults) {
  auto c = parse_pipeline_config(chain_text("    crop_classes: [person, 4]\n    crop_min_score: 0.5\n"
                                            "    crop_padding: 0.1\n    crop_min_size: 8\n    max_crops_per_frame: 6\n"),
                                 "/tmp");
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  const CropConfig& crops = c->models[1].crops;
  EXPECT_EQ(crops.from, "det");
  EXPECT_EQ(crops.classes, (std::vector<std::string>{"person", "4"}));
  ASSERT_TRUE(crops.min_score.has_value());
  EXPECT_FLOAT_EQ(*crops.min_score, 0.5f);
  EXPECT_FLOAT_EQ(crops.padding, 0.1f);
  EXPECT_EQ(crops.min_size, 8);
  EXPECT_EQ(crops.max_crops_per_frame, 6);
  EXPECT_TRUE(c->models[0].crops.from.empty());
  EXPECT_TRUE(check_pipeline_config(*c).is_ok()) << check_pipeline_config(*c).to_string();

  auto d = parse_pipeline_config(chain_text(), "/tmp");
  ASSERT_TRUE(d.is_ok());
  EXPECT_FALSE(d->models[1].crops.min_score.has_value()) << "default: the upstream's confidence_threshold";
  EXPECT_FLOAT_EQ(d->models[1].crops.padding, 0.0f);
  EXPECT_EQ(d->models[1].crops.max_crops_per_frame, 16);
}

TEST(PipelineChainConfig, ParseErrorsNameTheKey) {
  expect_contains(parse_error(chain_text("    sources: [cam]\n")),
                  "models[1].sources: a model reads either sources or the crops of another model (crops_from), not both");
  expect_contains(parse_error(chain_text("", "    crop_padding: 0.2\n")),
                  "models[0].crop_padding: applies only to a model with crops_from");
  expect_contains(parse_error(chain_text("", "    max_crops_per_frame: 2\n")), "models[0].max_crops_per_frame: applies only");
  expect_contains(parse_error(chain_text("    crop_padding: -0.5\n")), "models[1].crop_padding: -0.5 is not in [0, 10]");
  expect_contains(parse_error(chain_text("    crop_min_score: 1.5\n")), "models[1].crop_min_score: 1.5 is not in [0, 1]");
  expect_contains(parse_error(chain_text("    crop_min_size: -1\n")), "models[1].crop_min_size: -1 is not in [0, 65536]");
  expect_contains(parse_error(chain_text("    max_crops_per_frame: 0\n")), "models[1].max_crops_per_frame: 0 is not in [1, 1024]");
  expect_contains(parse_error(chain_text("    crop_classes: [[person]]\n")), "models[1].crop_classes[0]: expected a label or class id");
  expect_contains(parse_error(chain_text("    crop_padding: wide\n")), "models[1].crop_padding: expected a number, got 'wide'");
  expect_contains(parse_error(chain_text("    crop_paddin: 0.1\n")), "models[1].crop_paddin: unknown key");
}

TEST(PipelineChainConfig, CheckErrorsNameTheKey) {
  EXPECT_EQ(check_error(chain_text()), "");
  // crops_from names no model, or the model itself.
  std::string missing = chain_text();
  missing.replace(missing.find("crops_from: det"), 15, "crops_from: nope");
  expect_contains(check_error(missing), "models[1].crops_from: no model named 'nope'");

  std::string self = chain_text();
  self.replace(self.find("crops_from: det"), 15, "crops_from: cls");
  expect_contains(check_error(self), "models[1].crops_from: cls -> cls is a cycle");

  // det reads crops of cls, cls of det.
  std::string cycle = chain_text("", "    crops_from: cls\n");
  expect_contains(check_error(cycle), "models[0].crops_from: det -> cls -> det is a cycle");

  // A second classifier reading the crops of the first: one level only.
  const std::string second = "  - name: cls2\n"
                             "    model_file_path: " + kModels + "/mobilenetv3_small.onnx\n"
                             "    crops_from: cls\n";
  expect_contains(check_error(chain_text("", "", second)),
                  "models[2].crops_from: 'cls' reads crops itself (crops_from: 'det'); crops come from a detector");

  expect_contains(check_error(chain_text("", "    decoder: classification\n")),
                  "models[1].crops_from: 'det' is not a detector (its decoder is classification)");
  expect_contains(check_error(chain_text("    decoder: yolov8\n")),
                  "models[1].decoder: yolov8, but a model reading crops (crops_from) must be a classifier");
  expect_contains(check_error(chain_text("    crop_classes: [person, unicorn]\n")),
                  "models[1].crop_classes[1]: 'unicorn' is neither a label of the upstream model (stop_sign, yield_sign");
  expect_contains(check_error(chain_text("    crop_classes: [8]\n")),
                  "models[1].crop_classes[0]: class id 8 is not below the upstream model's 8 labels");
  // A sink may name the chained model.
  std::string sink = chain_text();
  sink.replace(sink.find("  - type: null\n"), 15, "  - {type: null, models: [cls]}\n");
  EXPECT_EQ(check_error(sink), "");
}

// The YAML through assemble_pipeline with fake models (the factory picks them by file name):
// labels and ids in crop_classes, the upstream threshold as default, padding, JSON lines.
TEST(PipelineChainConfig, AssembledChainWritesDetectionClassesAsJsonLines) {
  const fs::path dir = fs::temp_directory_path() / "fovea_pipeline_chain_config_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string yaml = "sources:\n"
                           "  - {name: cam, type: synthetic, fps: 500, width: 200, height: 100, frames: 12}\n"
                           "models:\n"
                           "  - {name: det, model_file_path: det.onnx, confidence_threshold: 0.75, max_batch_size: 2}\n"
                           "  - name: cls\n"
                           "    model_file_path: cls.onnx\n"
                           "    crops_from: det\n"
                           "    crop_classes: [person, 2]\n"
                           "    crop_padding: 0.1\n"
                           "    max_batch_size: 4\n"
                           "queues: {depth: 4, policy: block}\n"
                           "sinks:\n"
                           "  - {type: json_lines, path: out.jsonl, models: [cls]}\n";
  auto config = parse_pipeline_config(yaml, dir.string());
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  // Frame n: n % 4 boxes; box i: class i, score 0.9 - 0.1 i, x from 10 + 40 i, 21 px wide, y 10..60.
  auto boxes = [](const std::string&, int64_t n) {
    std::vector<vision::Detection> out;
    for (int i = 0; i < static_cast<int>(n % 4); ++i) {
      vision::Detection d;
      d.x1 = static_cast<float>(10 + 40 * i);
      d.x2 = d.x1 + 21;
      d.y1 = 10;
      d.y2 = 60;
      d.score = 0.9f - 0.1f * static_cast<float>(i);
      d.class_id = i;
      out.push_back(d);
    }
    return out;
  };
  io::VisionModelFactory factory = [&](const VisionModelConfig& c) -> Result<std::unique_ptr<VisionModel>> {
    if (c.model_path.find("det.onnx") != std::string::npos)
      return std::unique_ptr<VisionModel>(
          std::make_unique<testing::FakeDetector>(2, 0us, boxes, std::vector<std::string>{"stop_sign", "person", "box"}));
    return std::unique_ptr<VisionModel>(std::make_unique<testing::FakeClassifier>(4, 0us));
  };
  PipelineOptions options;
  options.use_nvml = false;
  auto assembled = io::assemble_pipeline(*config, options, factory);
  ASSERT_TRUE(assembled.is_ok()) << assembled.status().to_string();
  Pipeline& p = *assembled->pipeline;
  ASSERT_TRUE(p.start().is_ok());
  ASSERT_TRUE(p.wait_for(30s));
  p.wait();
  EXPECT_TRUE(p.accounting().check_balanced().is_ok());

  std::ifstream in(dir / "out.jsonl");
  std::string line;
  int64_t expected_sequence = 0;
  int crops = 0;
  while (std::getline(in, line)) {
    const nlohmann::json j = nlohmann::json::parse(line);
    EXPECT_EQ(j["model"], "cls");
    EXPECT_EQ(j["crops_from"], "det");
    const int64_t n = j["sequence"];
    EXPECT_EQ(n, expected_sequence++);
    // Classes 1 (person) and 2 are asked for, but 2 scores 0.7 < the detector's 0.75: only person.
    const size_t want = n % 4 >= 2 ? 1 : 0;
    ASSERT_EQ(j["detections"].size(), want) << line;
    if (want == 0) continue;
    const auto& d = j["detections"][0];
    EXPECT_EQ(d["label"], "person") << "detections carry the upstream's labels";
    ASSERT_EQ(d["classes"].size(), 1u);
    // Box 1: x 50..71, y 10..60; 10% padding: x 47.9..73.1 -> 47..74, y 5..65.
    EXPECT_EQ(d["classes"][0]["class_id"], 47);
    EXPECT_EQ(d["classes"][0]["label"], "class 47") << "classes carry the chained model's labels";
    EXPECT_NEAR(d["classes"][0]["score"].get<double>(), 0.027, 1e-6);
    ++crops;
  }
  EXPECT_EQ(expected_sequence, 12);
  EXPECT_EQ(crops, 6);  // frames 2, 3, 6, 7, 10, 11
  fs::remove_all(dir);
}

}  // namespace
}  // namespace fovea::pipeline
