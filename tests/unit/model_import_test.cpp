// Whole-model import: shape inference keeps the symbolic batch through the exporters' shape
// arithmetic (Shape -> Gather -> Concat -> Reshape) and folds everything static.
#include <gtest/gtest.h>

#include "engine/model_import.h"

namespace fovea {
namespace {

std::string model_path(const char* name) { return std::string(FOVEA_SOURCE_DIR) + "/models/" + name; }

TEST(ModelImportTest, YoloOutputKeepsSymbolicBatch) {
  auto g = load_onnx_model(model_path("demo/detector.onnx"));
  ASSERT_TRUE(g.is_ok()) << g.status().to_string();
  ASSERT_EQ(g->inputs.size(), 1u);
  EXPECT_EQ(shape_to_string(*g->inputs[0]->shape), "[batch,3,640,640]");
  ASSERT_EQ(g->outputs.size(), 1u);
  ASSERT_TRUE(g->outputs[0]->shape.has_value());
  EXPECT_EQ(shape_to_string(*g->outputs[0]->shape), "[batch,12,8400]");
  EXPECT_EQ(g->outputs[0]->dtype, DType::kFloat32);
  // Every intermediate value has a known rank.
  for (const auto& v : g->values()) EXPECT_TRUE(v->shape.has_value()) << v->name;
}

TEST(ModelImportTest, ClassifiersInferStaticShapesButBatch) {
  for (const char* name : {"resnet_small.onnx", "mobilenetv3_small.onnx"}) {
    auto g = load_onnx_model(model_path(name));
    ASSERT_TRUE(g.is_ok()) << name << ": " << g.status().to_string();
    EXPECT_EQ(shape_to_string(*g->outputs[0]->shape), "[batch,1000]") << name;
    for (const auto& v : g->values())
      if (v->shape && !v->shape->empty()) EXPECT_TRUE((*v->shape)[0].is_known() || (*v->shape)[0].symbol == "batch") << name << " " << v->name;
  }
}

TEST(ModelImportTest, MissingFileIsAnError) {
  auto g = load_onnx_model("/nonexistent/model.onnx");
  ASSERT_FALSE(g.is_ok());
  EXPECT_NE(g.status().message().find("/nonexistent/model.onnx"), std::string::npos);
}

}  // namespace
}  // namespace fovea
