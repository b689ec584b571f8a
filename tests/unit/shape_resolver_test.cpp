// ShapeResolver (concrete shapes and host-computed shape arithmetic for the device runtime) and
// the engine's input profile.
#include <gtest/gtest.h>

#include "engine/engine_profile.h"
#include "engine/model_import.h"
#include "engine/shape_resolver.h"

namespace fovea {
namespace {

std::string model(const std::string& name) { return std::string(FOVEA_SOURCE_DIR) + "/models/" + name; }

TEST(ShapeResolver, YoloShapeArithmeticRunsOnTheHostAndConvsOnTheDevice) {
  Graph g = load_onnx_model(model("demo/detector.onnx")).value();
  ShapeResolver r(g);
  ASSERT_TRUE(r.set_inputs({{"images", {2, 3, 640, 640}}}).is_ok());
  auto order = g.topological_order().value();
  int host = 0, device = 0;
  for (const Node* n : order) {
    auto p = r.resolve(*n, false);
    ASSERT_TRUE(p.is_ok()) << p.status().message();
    if (p.value() == NodePlacement::kHost) {
      ++host;
      EXPECT_NE(n->op_type, "Conv") << n->describe();
    } else {
      ++device;
    }
  }
  EXPECT_GT(host, 0);     // Shape/Gather/Concat chains of the symbolic batch
  EXPECT_GT(device, 60);  // every conv and the tensors between them
  EXPECT_EQ(*r.dims(g.outputs[0]), (Dims{2, 12, 8400}));
}

TEST(ShapeResolver, RejectsInputsThatContradictTheModel) {
  Graph g = load_onnx_model(model("demo/detector.onnx")).value();
  ShapeResolver r(g);
  EXPECT_FALSE(r.set_inputs({{"images", {1, 4, 640, 640}}}).is_ok());  // 3 channels fixed
  EXPECT_FALSE(r.set_inputs({{"images", {1, 3, 640}}}).is_ok());       // rank
  EXPECT_FALSE(r.set_inputs({}).is_ok());                              // missing
  EXPECT_FALSE(r.set_inputs({{"images", {1, 3, 640, 640}}, {"nope", {1}}}).is_ok());
}

TEST(ShapeInputSlots, NameTheInputsReadOnTheHost) {
  EXPECT_TRUE(is_shape_input_slot("Reshape", 1));
  EXPECT_FALSE(is_shape_input_slot("Reshape", 0));
  EXPECT_TRUE(is_shape_input_slot("Slice", 4));
  EXPECT_FALSE(is_shape_input_slot("Conv", 1));
}

TEST(EngineProfile, BatchRangeAppliesToTheSymbolicFirstDim) {
  Graph g = load_onnx_model(model("demo/detector.onnx")).value();
  BuildConfig c;
  c.batch_min = 1, c.batch_opt = 8, c.batch_max = 32;
  auto p = resolve_input_profile(g, c);
  ASSERT_TRUE(p.is_ok()) << p.status().message();
  EXPECT_EQ(p->at("images").opt, (Dims{8, 3, 640, 640}));
  EXPECT_TRUE(check_within_profile(*p, "images", {32, 3, 640, 640}).is_ok());
  Status s = check_within_profile(*p, "images", {33, 3, 640, 640});
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("--batch"), std::string::npos) << s.message();
}

TEST(EngineProfile, RangesMustAgreeWithTheModel) {
  Graph g = load_onnx_model(model("demo/detector.onnx")).value();
  BuildConfig c;
  c.input_shapes["images"] = ShapeRange{{1, 3, 320, 320}, {1, 3, 640, 640}, {1, 3, 640, 640}};
  EXPECT_FALSE(resolve_input_profile(g, c).is_ok());  // H and W are fixed to 640 in this model
  c.input_shapes["images"] = ShapeRange{{1, 3, 640, 640}, {4, 3, 640, 640}, {16, 3, 640, 640}};
  EXPECT_TRUE(resolve_input_profile(g, c).is_ok());
  c.input_shapes["images"] = ShapeRange{{1, 4, 640, 640}, {1, 4, 640, 640}, {1, 4, 640, 640}};
  EXPECT_FALSE(resolve_input_profile(g, c).is_ok());  // channels are fixed to 3
  c.input_shapes.clear();
  c.input_shapes["other"] = ShapeRange{{1}, {1}, {1}};
  EXPECT_FALSE(resolve_input_profile(g, c).is_ok());
  c.input_shapes.clear();
  c.batch_min = 4, c.batch_opt = 2, c.batch_max = 8;
  EXPECT_FALSE(resolve_input_profile(g, c).is_ok());  // min > opt
}

}  // namespace
}  // namespace fovea
