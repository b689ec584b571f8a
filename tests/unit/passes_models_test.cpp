// optimize_graph on the bundled models: expected fusions, and outputs equal to the unoptimized
// graph's on the CPU executor.
#include "engine/model_import.h"
#include "passes/optimize_graph.h"
#include "passes_test_graph.h"

namespace fovea {
namespace {

using testing::count_ops;

std::string model_path(const char* name) { return std::string(FOVEA_SOURCE_DIR) + "/models/" + name; }

int count_activation(const Graph& g, const std::string& op, const std::string& activation) {
  int n = 0;
  for (const auto& node : g.nodes())
    if (node->op_type == op && *node->attr_string("activation", "") == activation) ++n;
  return n;
}

int count_residual(const Graph& g, int64_t after) {
  int n = 0;
  for (const auto& node : g.nodes())
    if (node->op_type == "FusedConv" && node->has_input(3) && *node->attr_int("residual_after_activation", 0) == after)
      ++n;
  return n;
}

// Loads the model, optimizes it, and checks its outputs against the unoptimized run.
PassReport optimize_and_compare(const char* model, Graph& g) {
  auto loaded = load_onnx_model(model_path(model));
  EXPECT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  if (!loaded.is_ok()) return {};
  g = std::move(loaded).value();
  std::map<std::string, Tensor> inputs;
  for (const Value* in : g.inputs) {
    Dims dims;
    for (const Dim& d : *in->shape) dims.push_back(d.is_known() ? d.value : 1);
    inputs[in->name] = testing::random_tensor(dims, 7, 0.0f, 1.0f);
  }
  PassReport report;
  testing::expect_same_results(g, inputs, [&](Graph& graph) {
    auto r = optimize_graph(graph);
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    report = *r;
  }, 1e-4);
  return report;
}

TEST(PassesModelsTest, YoloV8nConvsBecomeFusedConvWithSilu) {
  Graph g;
  const PassReport report = optimize_and_compare("yolov8n_arch.onnx", g);
  std::printf("%s", report.to_string().c_str());
  EXPECT_EQ(count_ops(g, "Conv"), 0);
  EXPECT_EQ(count_ops(g, "BatchNormalization"), 0);
  EXPECT_EQ(count_ops(g, "FusedConv"), 64);
  EXPECT_EQ(count_activation(g, "FusedConv", "SiLU"), 57);  // the 6 head outputs and the DFL conv have none
  EXPECT_EQ(count_residual(g, 1), 6);                        // C2f bottlenecks: act(conv) + x
  EXPECT_EQ(count_ops(g, "Sigmoid"), 0);                     // the class-score sigmoid went into a fused node
  EXPECT_LT(report.nodes_after, report.nodes_before);
}

TEST(PassesModelsTest, ResNetSmallResidualsBeforeRelu) {
  Graph g;
  const PassReport report = optimize_and_compare("resnet_small.onnx", g);
  std::printf("%s", report.to_string().c_str());
  EXPECT_EQ(count_ops(g, "Conv"), 0);
  EXPECT_EQ(count_ops(g, "Relu"), 0);
  EXPECT_EQ(count_ops(g, "Add"), 0);
  EXPECT_EQ(count_ops(g, "FusedConv"), 20);
  EXPECT_EQ(count_activation(g, "FusedConv", "Relu"), 17);
  EXPECT_EQ(count_residual(g, 0), 8);
}

TEST(PassesModelsTest, MobileNetV3SmallHardSwishAndSqueezeExcite) {
  Graph g;
  const PassReport report = optimize_and_compare("mobilenetv3_small.onnx", g);
  std::printf("%s", report.to_string().c_str());
  EXPECT_EQ(count_ops(g, "Conv"), 0);
  EXPECT_EQ(count_ops(g, "HardSwish"), 0);
  EXPECT_EQ(count_ops(g, "HardSigmoid"), 0);
  EXPECT_GT(count_activation(g, "FusedConv", "HardSwish"), 0);
  EXPECT_EQ(count_activation(g, "FusedConv", "HardSigmoid"), 9);  // squeeze-excite gates
}

}  // namespace
}  // namespace fovea
