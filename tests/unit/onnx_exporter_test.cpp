// ONNX export: export then import gives the same graph (dump, attributes, initializer bytes) and
// the same CPU outputs; graphs the importer could not read back are refused with the culprit named.
#include <gtest/gtest.h>

#include <onnx/onnx_pb.h>

#include "engine/model_import.h"
#include "ir/onnx/onnx_exporter.h"
#include "ir/onnx/onnx_importer.h"
#include "plan_test_graphs.h"

namespace fovea {
namespace {

using testing::as_byte_span;

std::string model_path(const char* name) { return std::string(FOVEA_SOURCE_DIR) + "/models/" + name; }

Graph reimport(const Graph& g) {
  auto bytes = export_onnx_model(g);
  EXPECT_TRUE(bytes.is_ok()) << bytes.status().to_string();
  if (!bytes.is_ok()) return Graph();
  auto back = load_onnx_model_from_bytes(as_byte_span(*bytes));
  EXPECT_TRUE(back.is_ok()) << back.status().to_string();
  return back.is_ok() ? std::move(back).value() : Graph();
}

TEST(OnnxExporterTest, BundledModelsRoundTripWithSameGraph) {
  for (const char* name : {"resnet_small.onnx", "mobilenetv3_small.onnx", "demo/detector.onnx"}) {
    auto g = load_onnx_model(model_path(name));
    ASSERT_TRUE(g.is_ok()) << name << ": " << g.status().to_string();
    Graph back = reimport(*g);
    EXPECT_EQ(back.dump(true), g->dump(true)) << name;
    EXPECT_EQ(back.values().size(), g->values().size()) << name;
  }
}

TEST(OnnxExporterTest, BundledModelRoundTripGivesSameCpuOutputs) {
  auto g = load_onnx_model(model_path("mobilenetv3_small.onnx"));
  ASSERT_TRUE(g.is_ok()) << g.status().to_string();
  Graph back = reimport(*g);
  testing::expect_same_tensors(testing::run_on_cpu(back, 1), testing::run_on_cpu(*g, 1));
}

// Every attribute type, initializers of every dtype, symbolic / unknown dims, an omitted optional
// input in the middle and a node of domain "fovea". Checked through the importer only.
TEST(OnnxExporterTest, AttributesDtypesAndShapesSurvive) {
  Graph g;
  g.name = "all_types";
  g.opset = 17;
  g.ir_version = 3;  // written as 4: initializers are not listed as inputs
  Value* x = *g.add_value("x");
  x->dtype = DType::kFloat16;
  x->shape = Shape{Dim::symbolic("n"), Dim::unknown(), Dim::known(3)};
  g.inputs.push_back(x);
  std::vector<Value*> inits;
  inits.push_back(*g.add_constant("f32", Tensor::from_vector<float>({1.5f, -2.0f}, {2})));
  inits.push_back(*g.add_constant("f64", Tensor::from_vector<double>({3.25}, {1, 1})));
  inits.push_back(*g.add_constant("f16", Tensor::from_vector<Half>({float_to_half(0.5f)}, {})));
  inits.push_back(*g.add_constant("bf16", Tensor::from_vector<uint16_t>({0x3f80}, {1})));
  inits.push_back(*g.add_constant("i8", Tensor::from_vector<int8_t>({-3, 4}, {2})));
  inits.push_back(*g.add_constant("u8", Tensor::from_vector<uint8_t>({255}, {1})));
  inits.push_back(*g.add_constant("i16", Tensor::from_vector<int16_t>({-300}, {1})));
  inits.push_back(*g.add_constant("u16", Tensor::from_vector<uint16_t>({60000}, {1})));
  inits.push_back(*g.add_constant("i32", Tensor::from_vector<int32_t>({-70000}, {1})));
  inits.push_back(*g.add_constant("u32", Tensor::from_vector<uint32_t>({4000000000u}, {1})));
  inits.push_back(*g.add_constant("i64", Tensor::from_vector<int64_t>({-(int64_t{1} << 40)}, {1})));
  inits.push_back(*g.add_constant("u64", Tensor::from_vector<uint64_t>({~uint64_t{0}}, {1})));
  inits.push_back(*g.add_constant("b", Tensor::from_vector<bool>({true, false, true}, {3})));
  inits.push_back(*g.add_constant("empty", *Tensor::allocate(DType::kFloat32, {0, 5})));
  // bfloat16 has no C++ element type here: the same bits, retyped
  inits[3]->constant = *Tensor::from_bytes(DType::kBFloat16, {1}, inits[3]->constant->bytes());
  inits[3]->dtype = DType::kBFloat16;

  Node* n = g.add_node("fused", "FusedElementwise");
  n->domain = "fovea";
  n->inputs = {x, nullptr, inits[0]};
  Value* y = *g.add_value("y");
  y->dtype = DType::kFloat16;
  y->shape = Shape{Dim::symbolic("n"), Dim::unknown(), Dim::known(3)};
  Value* mid = *g.add_value("mid");
  mid->dtype = DType::kFloat32;
  mid->shape = Shape{Dim::known(7)};
  n->outputs = {mid, nullptr, y};
  n->set_attribute("i", int64_t{-5});
  n->set_attribute("f", 0.125f);
  n->set_attribute("s", std::string("text"));
  n->set_attribute("t", Tensor::from_vector<int64_t>({1, 2, 3}, {3}));
  n->set_attribute("ints", std::vector<int64_t>{4, -5});
  n->set_attribute("floats", std::vector<float>{0.5f});
  n->set_attribute("strings", std::vector<std::string>{"a", ""});
  n->set_attribute("no_ints", std::vector<int64_t>{});
  ASSERT_TRUE(g.connect(n).is_ok());
  g.outputs = {y, mid};

  auto bytes = export_onnx_model(g);
  ASSERT_TRUE(bytes.is_ok()) << bytes.status().to_string();
  onnx::ModelProto model;
  ASSERT_TRUE(model.ParseFromString(*bytes));
  EXPECT_EQ(model.ir_version(), 4);
  ASSERT_EQ(model.opset_import_size(), 2);
  EXPECT_EQ(model.opset_import(0).domain(), "");
  EXPECT_EQ(model.opset_import(0).version(), 17);
  EXPECT_EQ(model.opset_import(1).domain(), "fovea");
  EXPECT_EQ(model.opset_import(1).version(), kFoveaDomainOpsetVersion);
  EXPECT_EQ(model.graph().node(0).input(1), "");
  for (const auto& init : model.graph().initializer()) EXPECT_TRUE(init.has_raw_data()) << init.name();

  auto back = import_onnx_bytes(as_byte_span(*bytes), "");
  ASSERT_TRUE(back.is_ok()) << back.status().to_string();
  EXPECT_EQ(back->dump(true), g.dump(true));
  for (const Value* v : inits) {
    const Value* b = back->find_value(v->name);
    ASSERT_TRUE(b && b->is_constant()) << v->name;
    EXPECT_EQ(b->constant->dtype(), v->constant->dtype()) << v->name;
    EXPECT_EQ(b->constant->dims(), v->constant->dims()) << v->name;
    ASSERT_EQ(b->constant->nbytes(), v->constant->nbytes()) << v->name;
    EXPECT_EQ(std::memcmp(b->constant->raw_data(), v->constant->raw_data(), v->constant->nbytes()), 0) << v->name;
  }
  const Node* bn = back->nodes()[0].get();
  EXPECT_EQ(bn->domain, "fovea");
  ASSERT_EQ(bn->inputs.size(), 3u);
  EXPECT_EQ(bn->inputs[1], nullptr);
  ASSERT_EQ(bn->outputs.size(), 3u);
  EXPECT_EQ(bn->outputs[1], nullptr);
  EXPECT_EQ(*bn->attr_int("i", 0), -5);
  EXPECT_EQ(*bn->attr_float("f", 0), 0.125f);
  EXPECT_EQ(*bn->attr_string("s", ""), "text");
  EXPECT_EQ(bn->attr_tensor("t")->to_int64_vector(), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(*bn->attr_ints("ints"), (std::vector<int64_t>{4, -5}));
  EXPECT_EQ(*bn->attr_floats("floats"), (std::vector<float>{0.5f}));
  EXPECT_EQ(*bn->attr_strings("strings"), (std::vector<std::string>{"a", ""}));
  ASSERT_TRUE(bn->has_attribute("no_ints"));
  EXPECT_TRUE(std::holds_alternative<std::vector<int64_t>>(bn->find_attribute("no_ints")->value));
  EXPECT_EQ(shape_to_string(*back->find_value("x")->shape), "[n,?,3]");
  EXPECT_EQ(back->find_value("mid")->dtype, DType::kFloat32);
}

TEST(OnnxExporterTest, SmallGraphRoundTripsThroughTheModelLoader) {
  Graph g = testing::make_small_graph();
  ASSERT_TRUE(prepare_graph(g).is_ok());
  Graph back = reimport(g);
  EXPECT_EQ(back.dump(true), g.dump(true));
  EXPECT_EQ(back.find_value("w16")->dtype, DType::kFloat16);
  testing::expect_same_tensors(testing::run_on_cpu(back), testing::run_on_cpu(g));
}

TEST(OnnxExporterTest, UndefinedInputIsNamed) {
  Graph g = testing::make_small_graph();
  Value* orphan = *g.add_value("orphan");
  Node* n = g.add_node("reads_orphan", "Relu");
  n->inputs = {orphan};
  n->outputs = {*g.add_value("z")};
  ASSERT_TRUE(g.connect(n).is_ok());
  g.outputs.push_back(n->outputs[0]);
  auto bytes = export_onnx_model(g);
  ASSERT_FALSE(bytes.is_ok());
  EXPECT_NE(bytes.status().message().find("reads_orphan"), std::string::npos) << bytes.status().message();
  EXPECT_NE(bytes.status().message().find("orphan'"), std::string::npos) << bytes.status().message();
}

TEST(OnnxExporterTest, GraphsTheImporterCannotReadAreRefused) {
  Graph no_outputs = testing::make_small_graph();
  no_outputs.outputs.clear();
  EXPECT_FALSE(export_onnx_model(no_outputs).is_ok());

  Graph no_opset = testing::make_small_graph();
  no_opset.opset = 0;
  auto r = export_onnx_model(no_opset);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("opset 0"), std::string::npos) << r.status().message();

  Graph dangling_output = testing::make_small_graph();
  dangling_output.outputs.push_back(*dangling_output.add_value("nowhere"));
  r = export_onnx_model(dangling_output);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("'nowhere'"), std::string::npos) << r.status().message();
}

}  // namespace
}  // namespace fovea
