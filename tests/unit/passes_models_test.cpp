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

// Every Conv with an activation becomes a FusedConv with SiLU; the 7 without one (the Detect
// head's 6 output convs and the DFL conv) stay plain Convs.
TEST(PassesModelsTest, YoloV8nConvsBecomeFusedConvWithSilu) {
  Graph g;
  const PassReport report = optimize_and_compare("demo/detector.onnx", g);
  std::printf("%s", report.to_string().c_str());
  EXPECT_EQ(count_ops(g, "BatchNormalization"), 0);
  EXPECT_EQ(count_ops(g, "FusedConv"), 57);
  EXPECT_EQ(count_activation(g, "FusedConv", "SiLU"), 57);
  EXPECT_EQ(count_ops(g, "Conv"), 7);
  EXPECT_EQ(count_residual(g, 1), 6);  // C2f bottlenecks: act(conv) + x
  EXPECT_EQ(count_ops(g, "Sigmoid"), 1);  // the class scores
  EXPECT_EQ(count_ops(g, "Constant"), 0);
  EXPECT_EQ(report.rewrites("conv_fusion"), 57);
  EXPECT_LT(report.nodes_after, report.nodes_before);
}

// With the batch fixed, the head's Shape -> Gather -> ... arithmetic folds away entirely.
TEST(PassesModelsTest, YoloV8nStaticBatchFoldsShapeArithmetic) {
  auto loaded = load_onnx_model(model_path("demo/detector.onnx"));
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().to_string();
  Graph g = std::move(loaded).value();
  ASSERT_EQ(g.inputs.size(), 1u);
  (*g.inputs[0]->shape)[0] = Dim::known(1);
  ASSERT_TRUE(prepare_graph(g).is_ok());
  std::map<std::string, Tensor> inputs = {{g.inputs[0]->name, testing::random_tensor({1, 3, 640, 640}, 9, 0.0f, 1.0f)}};
  testing::expect_same_results(g, inputs, [&](Graph& graph) {
    auto r = optimize_graph(graph);
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_GT(r->rewrites("shape_folding"), 0);
    std::printf("%s", r->to_string().c_str());
  }, 1e-4);
  EXPECT_EQ(count_ops(g, "Shape"), 0);
  EXPECT_EQ(count_ops(g, "Gather"), 0);
  EXPECT_EQ(count_ops(g, "ConstantOfShape"), 0);
}

TEST(PassesModelsTest, ResNetSmallResidualsBeforeRelu) {
  Graph g;
  const PassReport report = optimize_and_compare("resnet_small.onnx", g);
  std::printf("%s", report.to_string().c_str());
  EXPECT_EQ(count_ops(g, "Relu"), 0);
  EXPECT_EQ(count_ops(g, "Add"), 0);
  EXPECT_EQ(count_ops(g, "FusedConv"), 17);
  EXPECT_EQ(count_activation(g, "FusedConv", "Relu"), 17);
  EXPECT_EQ(count_ops(g, "Conv"), 3);  // the 1x1 downsample shortcuts, read as residuals
  EXPECT_EQ(count_residual(g, 0), 8);
}

TEST(PassesModelsTest, MobileNetV3SmallHardSwishAndSqueezeExcite) {
  Graph g;
  const PassReport report = optimize_and_compare("mobilenetv3_small.onnx", g);
  std::printf("%s", report.to_string().c_str());
  EXPECT_EQ(count_ops(g, "Conv"), 5);  // linear-bottleneck projections without a residual
  EXPECT_EQ(count_ops(g, "HardSwish"), 0);
  EXPECT_EQ(count_ops(g, "HardSigmoid"), 0);
  EXPECT_GT(count_activation(g, "FusedConv", "HardSwish"), 0);
  EXPECT_EQ(count_activation(g, "FusedConv", "HardSigmoid"), 9);  // squeeze-excite gates
  EXPECT_EQ(count_residual(g, 0), 6);
  EXPECT_EQ(count_ops(g, "Identity"), 0);
}

}  // namespace
}  // namespace fovea
