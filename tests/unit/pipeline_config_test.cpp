// Pipeline YAML: a valid config parses and checks; each kind of mistake fails before anything
// starts with a message naming its key path.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <onnx/onnx_pb.h>

#include "pipeline/pipeline_config.h"

namespace fovea::pipeline {
namespace {

const std::string kModels = std::string(FOVEA_SOURCE_DIR) + "/models";

// A valid config; `extra_model_keys` is appended to models[0], `extra_top` at the end.
std::string config_text(const std::string& extra_model_keys = "", const std::string& extra_top = "",
                        const std::string& model_file = "demo/detector.onnx", int max_batch_size = 4) {
  return "sources:\n"
         "  - name: cam\n"
         "    type: synthetic\n"
         "    streams: 2\n"
         "    fps: 30\n"
         "models:\n"
         "  - name: det\n"
         "    model_file_path: " + model_file + "\n"
         "    max_batch_size: " + std::to_string(max_batch_size) + "\n" +
         extra_model_keys +
         "sinks:\n"
         "  - type: null\n" +
         extra_top;
}

// A tiny model with a FIXED batch: images [1,3,32,32] -> GlobalAveragePool -> [1,3,1,1].
std::string write_fixed_batch_model() {
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.add_opset_import()->set_version(13);
  onnx::GraphProto* g = model.mutable_graph();
  g->set_name("fixed_batch");
  auto add_value = [](onnx::ValueInfoProto* v, const char* name, std::initializer_list<int64_t> dims) {
    v->set_name(name);
    auto* t = v->mutable_type()->mutable_tensor_type();
    t->set_elem_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims) t->mutable_shape()->add_dim()->set_dim_value(d);
  };
  add_value(g->add_input(), "images", {1, 3, 32, 32});
  add_value(g->add_output(), "pooled", {1, 3, 1, 1});
  onnx::NodeProto* n = g->add_node();
  n->set_op_type("GlobalAveragePool");
  n->set_name("pool");
  n->add_input("images");
  n->add_output("pooled");
  const std::string path = (std::filesystem::temp_directory_path() / "fovea_pipeline_fixed_batch.onnx").string();
  std::ofstream out(path, std::ios::binary);
  model.SerializeToOstream(&out);
  return path;
}

// Parses (relative paths against models/) and, if that worked, checks. Returns the error message.
std::string error_of(const std::string& text) {
  Result<PipelineConfig> c = parse_pipeline_config(text, kModels);
  if (!c.is_ok()) return c.status().message();
  const Status st = check_pipeline_config(*c);
  return st.is_ok() ? "" : st.message();
}

void expect_error_at(const std::string& text, const std::string& key, const std::string& also = "") {
  const std::string e = error_of(text);
  EXPECT_NE(e.find(key), std::string::npos) << "expected an error naming '" << key << "', got: '" << e << "'";
  if (!also.empty()) {
    EXPECT_NE(e.find(also), std::string::npos) << e;
  }
}

TEST(PipelineConfig, ValidConfigParsesAndChecks) {
  Result<PipelineConfig> c = parse_pipeline_config(
      config_text("    network_image_width: 640\n    network_image_height: 640\n"
                  "    image_mean: [0.1, 0.2, 0.3]\n    confidence_threshold: 0.4\n    preferred_batch_sizes: [2, 4]\n"
                  "    sources: [cam_1]\n",
                  "batching:\n  max_queue_delay_us: 1500\nqueues:\n  depth: 6\n  policy: block\n"
                  "deadline_ms: 33\nmetrics_port: 0\n"),
      kModels);
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_TRUE(check_pipeline_config(*c).is_ok()) << check_pipeline_config(*c).to_string();
  const ModelConfig& m = c->models[0];
  EXPECT_EQ(m.vision.model_path, kModels + "/demo/detector.onnx") << "relative paths resolve against the config's folder";
  EXPECT_EQ(m.vision.max_batch_size, 4);
  EXPECT_FLOAT_EQ(m.vision.encoder.image_mean[2], 0.3f);
  EXPECT_FLOAT_EQ(m.vision.detection.nms.confidence_threshold, 0.4f);
  EXPECT_EQ(m.preferred_batch_sizes, (std::vector<int>{2, 4}));
  EXPECT_EQ(c->max_queue_delay_us, 1500);
  EXPECT_EQ(c->queues.depth, 6);
  EXPECT_EQ(c->queues.policy, QueuePolicy::kBlock);
  EXPECT_DOUBLE_EQ(c->deadline_ms, 33.0);
  EXPECT_EQ(expanded_source_names(c->sources[0]), (std::vector<std::string>{"cam_0", "cam_1"}));
}

TEST(PipelineConfig, UnknownKeysAreNamedWithTheirPath) {
  expect_error_at(config_text("", "sorces: []\n"), "sorces", "unknown key");
  expect_error_at(config_text("    network_widht: 320\n"), "models[0].network_widht", "unknown key");
  expect_error_at(config_text("", "queues:\n  depth: 2\n  polcy: block\n"), "queues.polcy");
  expect_error_at(config_text("", "batching:\n  max_delay_us: 5\n"), "batching.max_delay_us");
}

TEST(PipelineConfig, WrongTypesAndRangesAreNamed) {
  expect_error_at(config_text("    network_image_width: wide\n"), "models[0].network_image_width", "integer");
  expect_error_at(config_text("    image_mean: [0.1, 0.2]\n"), "models[0].image_mean", "3 values");
  expect_error_at(config_text("    image_stddev: [1, 0, 1]\n"), "models[0].image_stddev[1]");
  expect_error_at(config_text("    nms_threshold: 1.5\n"), "models[0].nms_threshold");
  expect_error_at(config_text("    precision: int4\n"), "models[0].precision");
  expect_error_at(config_text("    decoder: yolov99\n"), "models[0].decoder");
  expect_error_at(config_text("", "queues:\n  policy: newest\n"), "queues.policy");
  expect_error_at(config_text("", "deadline_ms: -3\n"), "deadline_ms");
  expect_error_at(config_text("", "drop_late_frames: true\n"), "drop_late_frames");
  expect_error_at(config_text("", "metrics_port: 70000\n"), "metrics_port");
  expect_error_at("sources: {name: x}\nmodels: []\n", "sources", "list");
  expect_error_at("models:\n  - name: det\n    model_file_path: demo/detector.onnx\n", "sources");
  expect_error_at("sources: [\n", "line");  // YAML syntax error: the position is given
}

TEST(PipelineConfig, ImpossibleBatchSizes) {
  expect_error_at(config_text("", "", "demo/detector.onnx", 0), "models[0].max_batch_size");
  expect_error_at(config_text("    preferred_batch_sizes: [2, 8]\n"), "models[0].preferred_batch_sizes[1]");
  // A model whose input batch is fixed at 1 cannot take a larger max_batch_size.
  const std::string fixed = write_fixed_batch_model();
  expect_error_at(config_text("", "", fixed), "models[0].max_batch_size", "fixed at 1");
  EXPECT_EQ(error_of(config_text("", "", fixed, 1)), "");
  expect_error_at(config_text("    network_image_width: 64\n", "", fixed, 1), "models[0].network_image_width", "32");
  expect_error_at(config_text("", "", "demo/detector.onnx", 4096), "models[0].max_batch_size");
}

TEST(PipelineConfig, EncoderMustMatchTheModelInput) {
  // the demo detector's input is [batch,3,640,640]: a 320 network width cannot feed it.
  expect_error_at(config_text("    network_image_width: 320\n"), "models[0].network_image_width", "640");
  expect_error_at(config_text("    network_image_height: 480\n"), "models[0].network_image_height", "640");
  expect_error_at(config_text("    input_tensor_names: [pixels]\n"), "models[0].input_tensor_names[0]", "images");
  expect_error_at(config_text("    input_tensor_names: [a, b]\n"), "models[0].input_tensor_names");
}

TEST(PipelineConfig, MissingFilesAndNames) {
  expect_error_at(config_text("", "", "no_such_model.onnx"), "models[0].model_file_path", "no such file");
  expect_error_at(config_text("    labels: no_such_labels.txt\n"), "models[0].labels");
  expect_error_at(config_text("    sources: [cam_7]\n"), "models[0].sources[0]", "cam_7");
  expect_error_at("sources:\n  - {name: pics, type: image_folder, path: no_such_folder}\n"
                  "models:\n  - {name: det, model_file_path: demo/detector.onnx}\n",
                  "sources[0].path", "no such folder");
  expect_error_at("sources:\n  - {name: cam, type: synthetic}\n  - {name: cam, type: synthetic}\n"
                  "models:\n  - {name: det, model_file_path: demo/detector.onnx}\n",
                  "sources[1].name", "twice");
  expect_error_at(config_text("", "  - type: json_lines\n    path: out.jsonl\n    models: [segmenter]\n"), "sinks[1].models[0]",
                  "segmenter");
  // A plan alone runs only on the GPU; with model_file_path too, a missing plan falls back to the ONNX.
  expect_error_at("sources: [{name: cam, type: synthetic}]\nmodels: [{name: det, engine_file_path: det.plan}]\n",
                  "models[0].engine_file_path", "GPU");
  EXPECT_EQ(error_of(config_text("    engine_file_path: det.plan\n")), "");
}

TEST(PipelineConfig, LoadsFromAFileWithPathsRelativeToIt) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "fovea_pipeline_config_test";
  std::filesystem::create_directories(dir);
  const std::filesystem::path file = dir / "p.yaml";
  std::ofstream(file) << config_text("", "summary_path: out/summary.json\n",
                                     std::filesystem::relative(kModels + "/demo/detector.onnx", dir).string());
  Result<PipelineConfig> c = load_pipeline_config(file.string());
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_TRUE(check_pipeline_config(*c).is_ok());
  EXPECT_EQ(c->summary_path, (dir / "out/summary.json").string());
  const Result<PipelineConfig> missing = load_pipeline_config((dir / "nope.yaml").string());
  ASSERT_FALSE(missing.is_ok());
  EXPECT_NE(missing.status().message().find("nope.yaml"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace fovea::pipeline
