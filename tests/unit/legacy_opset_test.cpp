// Opset 1-6 models: the legacy lowering (ops/legacy_opset_lowering.h) rewrites old op forms into
// opset-7 ones; checked by op counts after import and by values from the CPU executor.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <map>

#include "backends/cpu/cpu_executor.h"
#include "engine/model_import.h"

namespace fovea {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

struct ModelBuilder {
  onnx::ModelProto m;

  explicit ModelBuilder(int64_t opset) {
    m.set_ir_version(3);
    auto* op = m.add_opset_import();
    op->set_domain("");
    op->set_version(opset);
    m.mutable_graph()->set_name("legacy");
  }
  void input(const std::string& name, std::vector<int64_t> dims, int elem = onnx::TensorProto::FLOAT) {
    auto* vi = m.mutable_graph()->add_input();
    vi->set_name(name);
    auto* tt = vi->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(elem);
    for (int64_t d : dims) tt->mutable_shape()->add_dim()->set_dim_value(d);
  }
  void output(const std::string& name) { m.mutable_graph()->add_output()->set_name(name); }
  void float_init(const std::string& name, std::vector<int64_t> dims, std::vector<float> v) {
    auto* t = m.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims) t->add_dims(d);
    for (float x : v) t->add_float_data(x);
  }
  void int_init(const std::string& name, std::vector<int64_t> dims, std::vector<int64_t> v) {
    auto* t = m.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    for (int64_t d : dims) t->add_dims(d);
    for (int64_t x : v) t->add_int64_data(x);
  }
  onnx::NodeProto* node(const std::string& op, const std::string& name, std::vector<std::string> in,
                        std::vector<std::string> out) {
    auto* n = m.mutable_graph()->add_node();
    n->set_op_type(op);
    n->set_name(name);
    for (auto& i : in) n->add_input(i);
    for (auto& o : out) n->add_output(o);
    return n;
  }
  Result<Graph> load() const {
    std::string bytes;
    m.SerializeToString(&bytes);
    return load_onnx_model_from_bytes(std::as_bytes(std::span(bytes.data(), bytes.size())));
  }
};

void attr_int(onnx::NodeProto* n, const std::string& name, int64_t v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}
void attr_float(onnx::NodeProto* n, const std::string& name, float v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(v);
}
void attr_ints(onnx::NodeProto* n, const std::string& name, std::vector<int64_t> v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}
void attr_string(onnx::NodeProto* n, const std::string& name, const std::string& v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(v);
}

std::map<std::string, int> op_counts(const Graph& g) {
  std::map<std::string, int> counts;
  for (const auto& n : g.nodes()) ++counts[n->op_type];
  return counts;
}

Tensor iota(Dims dims, float start = 0) {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  std::vector<float> v(static_cast<size_t>(n));
  for (size_t i = 0; i < v.size(); ++i) v[i] = start + static_cast<float>(i);
  return Tensor::from_vector<float>(v, dims);
}

Tensor run_one(const Graph& g, const std::map<std::string, Tensor>& inputs) {
  auto ex = cpu::CpuExecutor::create(g);
  EXPECT_TRUE(ex.is_ok()) << ex.status().to_string();
  auto out = (*ex)->run(inputs);
  EXPECT_TRUE(out.is_ok()) << out.status().to_string();
  return out.is_ok() ? (*out)[0] : Tensor();
}

std::vector<float> floats(const Tensor& t) {
  auto s = t.values<float>();
  return {s.begin(), s.end()};
}

TEST(LegacyOpsetTest, AxisBroadcastOfAnInputInsertsUnsqueeze) {
  ModelBuilder b(6);
  b.input("a", {2, 3, 2});
  b.input("b", {3});
  auto* n = b.node("Add", "add", {"a", "b"}, {"y"});
  attr_int(n, "broadcast", 1);
  attr_int(n, "axis", 1);
  attr_ints(n, "consumed_inputs", {0, 0});
  b.output("y");
  auto g = b.load();
  ASSERT_TRUE(g.is_ok()) << g.status().to_string();
  EXPECT_EQ(g->opset, 7);
  EXPECT_EQ(op_counts(*g), (std::map<std::string, int>{{"Add", 1}, {"Unsqueeze", 1}}));
  for (const auto& node : g->nodes()) EXPECT_FALSE(node->has_attribute("broadcast") || node->has_attribute("consumed_inputs"));
  Tensor y = run_one(*g, {{"a", iota({2, 3, 2})}, {"b", Tensor::from_vector<float>({10, 20, 30}, {3})}});
  EXPECT_EQ(y.dims(), (Dims{2, 3, 2}));
  EXPECT_THAT(floats(y), ElementsAre(10, 11, 22, 23, 34, 35, 16, 17, 28, 29, 40, 41));
}

TEST(LegacyOpsetTest, AxisBroadcastOfAConstantReshapesIt) {
  ModelBuilder b(6);
  b.input("a", {2, 3});
  b.float_init("b", {2}, {100, 200});
  auto* n = b.node("Mul", "mul", {"a", "b"}, {"y"});
  attr_int(n, "broadcast", 1);
  attr_int(n, "axis", 0);
  b.output("y");
  auto g = b.load();
  ASSERT_TRUE(g.is_ok()) << g.status().to_string();
  EXPECT_EQ(op_counts(*g), (std::map<std::string, int>{{"Mul", 1}}));
  EXPECT_EQ(g->nodes()[0]->inputs[1]->constant->dims(), (Dims{2, 1}));
  Tensor y = run_one(*g, {{"a", iota({2, 3})}});
  EXPECT_THAT(floats(y), ElementsAre(0, 100, 200, 600, 800, 1000));
}

TEST(LegacyOpsetTest, SuffixBroadcastAndScalarNeedNoRewrite) {
  ModelBuilder b(1);
  b.input("a", {2, 3});
  b.float_init("s", {}, {1});
  b.float_init("v", {3}, {1, 2, 3});
  attr_int(b.node("Sub", "sub", {"a", "v"}, {"t"}), "broadcast", 1);
  attr_int(b.node("Add", "add", {"t", "s"}, {"y"}), "broadcast", 1);
  b.output("y");
  auto g = b.load();
  ASSERT_TRUE(g.is_ok()) << g.status().to_string();
  EXPECT_EQ(g->nodes().size(), 2u);
  Tensor y = run_one(*g, {{"a", iota({2, 3})}});
  EXPECT_THAT(floats(y), ElementsAre(0, 0, 0, 3, 3, 3));
}

TEST(LegacyOpsetTest, BroadcastFormsThatAreInvalidNameTheNode) {
  {
    ModelBuilder b(6);  // broadcast=0 (the default) needs equal shapes
    b.input("a", {2, 3});
    b.input("b", {3});
    b.node("Add", "add_no_bcast", {"a", "b"}, {"y"});
    b.output("y");
    auto g = b.load();
    ASSERT_FALSE(g.is_ok());
    EXPECT_THAT(g.status().message(), HasSubstr("add_no_bcast"));
    EXPECT_THAT(g.status().message(), HasSubstr("broadcast=1"));
  }
  {
    ModelBuilder b(6);  // B does not fit at axis 1
    b.input("a", {2, 3});
    b.input("b", {2, 3});
    auto* n = b.node("Add", "add_bad_axis", {"a", "b"}, {"y"});
    attr_int(n, "broadcast", 1);
    attr_int(n, "axis", 1);
    b.output("y");
    auto g = b.load();
    ASSERT_FALSE(g.is_ok());
    EXPECT_THAT(g.status().message(), HasSubstr("add_bad_axis"));
  }
  {
    ModelBuilder b(6);  // dims that differ
    b.input("a", {2, 3});
    b.input("b", {2});
    auto* n = b.node("Div", "div_mismatch", {"a", "b"}, {"y"});
    attr_int(n, "broadcast", 1);
    b.output("y");
    auto g = b.load();
    ASSERT_FALSE(g.is_ok());
    EXPECT_THAT(g.status().message(), HasSubstr("div_mismatch"));
  }
}

TEST(LegacyOpsetTest, AxisBroadcastAfterAnotherNodeUsesInferredRanks) {
  ModelBuilder b(6);
  b.input("x", {1, 2, 2, 2});
  b.input("bias", {2});
  b.node("Relu", "relu", {"x"}, {"r"});
  auto* n = b.node("Add", "add", {"r", "bias"}, {"y"});
  attr_int(n, "broadcast", 1);
  attr_int(n, "axis", 1);
  b.output("y");
  auto g = b.load();
  ASSERT_TRUE(g.is_ok()) << g.status().to_string();
  Tensor y = run_one(*g, {{"x", iota({1, 2, 2, 2})}, {"bias", Tensor::from_vector<float>({1, -100}, {2})}});
  EXPECT_THAT(floats(y), ElementsAre(1, 2, 3, 4, -96, -95, -94, -93));
}

TEST(LegacyOpsetTest, GemmBroadcastAttributeIsDropped) {
  ModelBuilder b(6);
  b.input("a", {2, 2});
  b.float_init("w", {2, 2}, {1, 0, 0, 1});
  b.float_init("c", {2}, {5, 6});
  auto* n = b.node("Gemm", "gemm", {"a", "w", "c"}, {"y"});
  attr_int(n, "broadcast", 1);
  b.output("y");
  auto g = b.load();
  ASSERT_TRUE(g.is_ok()) << g.status().to_string();
  EXPECT_FALSE(g->nodes()[0]->has_attribute("broadcast"));
  EXPECT_THAT(floats(run_one(*g, {{"a", iota({2, 2})}})), ElementsAre(5, 7, 7, 9));

  ModelBuilder bad(6);  // without broadcast=1, C must be [M, N]
  bad.input("a", {2, 2});
  bad.float_init("w", {2, 2}, {1, 0, 0, 1});
  bad.float_init("c", {2}, {5, 6});
  bad.node("Gemm", "gemm_c", {"a", "w", "c"}, {"y"});
  bad.output("y");
  auto g2 = bad.load();
  ASSERT_FALSE(g2.is_ok());
  EXPECT_THAT(g2.status().message(), HasSubstr("gemm_c"));
}

TEST(LegacyOpsetTest, PReluSlopeIsPerChannel) {
  ModelBuilder b(6);
  b.input("x", {1, 2, 3});
  b.float_init("slope", {2}, {0.5f, 2.0f});
  b.node("PRelu", "prelu", {"x", "slope"}, {"y"});
  b.output("y");
  auto g = b.load();
  ASSERT_TRUE(g.is_ok()) << g.status().to_string();
  EXPECT_EQ(g->nodes()[0]->inputs[1]->constant->dims(), (Dims{2, 1}));
  Tensor y = run_one(*g, {{"x", iota({1, 2, 3}, -3)}});
  EXPECT_THAT(floats(y), ElementsAre(-1.5f, -1.0f, -0.5f, 0, 1, 2));
}

TEST(LegacyOpsetTest, ReshapeShapeAttributeBecomesAnInput) {
  ModelBuilder b(4);
  b.input("x", {2, 3});
  attr_ints(b.node("Reshape", "reshape", {"x"}, {"y"}), "shape", {3, -1});
  b.output("y");
  auto g = b.load();
  ASSERT_TRUE(g.is_ok()) << g.status().to_string();
  const Node& n = *g->nodes()[0];
  ASSERT_EQ(n.inputs.size(), 2u);
  EXPECT_THAT(n.inputs[1]->constant->to_int64_vector(), ElementsAre(3, -1));
  EXPECT_FALSE(n.has_attribute("shape"));
  Tensor y = run_one(*g, {{"x", iota({2, 3})}});
  EXPECT_EQ(y.dims(), (Dims{3, 2}));

  ModelBuilder missing(1);
  missing.input("x", {2, 3});
  missing.node("Reshape", "reshape_noshape", {"x"}, {"y"});
  missing.output("y");
  EXPECT_THAT(missing.load().status().message(), HasSubstr("reshape_noshape"));
}

TEST(LegacyOpsetTest, TileWithTilesAndAxisInputs) {
  ModelBuilder b(5);
  b.input("x", {2, 2});
  b.int_init("tiles", {}, {3});
  b.int_init("axis", {}, {1});
  b.node("Tile", "tile", {"x", "tiles", "axis"}, {"y"});
  b.output("y");
  auto g = b.load();
  ASSERT_TRUE(g.is_ok()) << g.status().to_string();
  ASSERT_EQ(g->nodes()[0]->inputs.size(), 2u);
  EXPECT_THAT(g->nodes()[0]->inputs[1]->constant->to_int64_vector(), ElementsAre(1, 3));
  Tensor y = run_one(*g, {{"x", iota({2, 2})}});
  EXPECT_EQ(y.dims(), (Dims{2, 6}));
  EXPECT_THAT(floats(y), ElementsAre(0, 1, 0, 1, 0, 1, 2, 3, 2, 3, 2, 3));

  ModelBuilder dynamic(5);
  dynamic.input("x", {2, 2});
  dynamic.input("tiles", {}, onnx::TensorProto::INT64);
  dynamic.int_init("axis", {}, {1});
  dynamic.node("Tile", "tile_dyn", {"x", "tiles", "axis"}, {"y"});
  dynamic.output("y");
  auto g2 = dynamic.load();
  ASSERT_FALSE(g2.is_ok());
  EXPECT_THAT(g2.status().message(), HasSubstr("tile_dyn"));
}

TEST(LegacyOpsetTest, BatchNormalizationTestModeOnly) {
  auto make = [](int64_t is_test, int64_t spatial) {
    ModelBuilder b(6);
    b.input("x", {1, 2, 1, 2});
    b.float_init("scale", {2}, {1, 2});
    b.float_init("bias", {2}, {0, 1});
    b.float_init("mean", {2}, {1, 0});
    b.float_init("var", {2}, {1, 4});
    auto* n = b.node("BatchNormalization", "bn", {"x", "scale", "bias", "mean", "var"}, {"y"});
    attr_int(n, "is_test", is_test);
    attr_int(n, "spatial", spatial);
    attr_float(n, "epsilon", 0.0f);
    attr_ints(n, "consumed_inputs", {0, 0, 0, 1, 1});
    b.output("y");
    return b;
  };
  auto g = make(1, 1).load();
  ASSERT_TRUE(g.is_ok()) << g.status().to_string();
  EXPECT_FALSE(g->nodes()[0]->has_attribute("is_test"));
  EXPECT_THAT(floats(run_one(*g, {{"x", iota({1, 2, 1, 2})}})), ElementsAre(-1, 0, 3, 4));
  auto training = make(0, 1).load();
  ASSERT_FALSE(training.is_ok());
  EXPECT_THAT(training.status().message(), HasSubstr("is_test=0"));
}

TEST(LegacyOpsetTest, SplitInputConcatAxisPaddingsCastAndUpsample) {
  ModelBuilder b(1);
  b.input("x", {1, 1, 2, 2});
  b.int_init("sizes", {2}, {1, 1});
  auto* split = b.node("Split", "split", {"x", "sizes"}, {"s0", "s1"});
  attr_int(split, "axis", 2);
  b.node("Concat", "concat", {"s1", "s0"}, {"c"});  // axis 1 by default before opset 4
  auto* pad = b.node("Pad", "pad", {"c"}, {"p"});
  attr_ints(pad, "paddings", {0, 0, 0, 0, 0, 0, 0, 1});
  attr_string(b.node("Cast", "cast", {"p"}, {"d"}), "to", "DOUBLE");
  attr_string(b.node("Cast", "cast_back", {"d"}, {"f"}), "to", "FLOAT");
  auto* up = b.node("Upsample", "up", {"f"}, {"y"});
  attr_float(up, "height_scale", 1.0f);
  attr_float(up, "width_scale", 2.0f);
  b.output("y");
  auto g = b.load();
  ASSERT_TRUE(g.is_ok()) << g.status().to_string();
  for (const auto& n : g->nodes()) {
    if (n->op_type == "Split") {
      EXPECT_EQ(n->inputs.size(), 1u);
    }
    if (n->op_type == "Concat") {
      EXPECT_EQ(*n->attr_int("axis", -7), 1);
    }
  }
  // x = [[0,1],[2,3]] split on H: s0=[0,1], s1=[2,3]; concat on C: [1,2,1,2]; pad W by 1 at the
  // end; upsample W by 2 (nearest).
  Tensor y = run_one(*g, {{"x", iota({1, 1, 2, 2})}});
  EXPECT_EQ(y.dims(), (Dims{1, 2, 1, 6}));
  EXPECT_THAT(floats(y), ElementsAreArray({2.f, 2.f, 3.f, 3.f, 0.f, 0.f, 0.f, 0.f, 1.f, 1.f, 0.f, 0.f}));
}

TEST(LegacyOpsetTest, Opset7GraphsAreLeftAlone) {
  ModelBuilder b(7);
  b.input("a", {2, 3});
  b.input("b", {3});
  b.node("Add", "add", {"a", "b"}, {"y"});
  b.output("y");
  auto g = b.load();
  ASSERT_TRUE(g.is_ok()) << g.status().to_string();
  EXPECT_EQ(g->opset, 7);
  EXPECT_EQ(g->nodes().size(), 1u);
}

}  // namespace
}  // namespace fovea
