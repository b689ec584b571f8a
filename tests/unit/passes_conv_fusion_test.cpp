// Conv + bias + residual + activation -> fovea.FusedConv; the FusedConv shape function.
#include "passes/conv_fusion.h"
#include "passes_test_graph.h"
#include "single_op.h"

namespace fovea {
namespace {

using testing::count_ops;
using testing::expect_same_results;
using testing::first_op;
using testing::TestGraph;

Value* conv3x3(TestGraph& t, Value* x, int64_t cin, int64_t cout, uint32_t seed, bool bias = true) {
  std::vector<Value*> ins = {x, t.random_constant("w", {cout, cin, 3, 3}, seed)};
  if (bias) ins.push_back(t.random_constant("b", {cout}, seed + 1));
  return t.node("Conv", ins, {{"pads", std::vector<int64_t>{1, 1, 1, 1}}});
}

void fuse(Graph& g, int expected) {
  auto n = fuse_conv_bias_activation(g);
  ASSERT_TRUE(n.is_ok()) << n.status().to_string();
  EXPECT_EQ(*n, expected);
}

std::string activation_of(const Node* n) { return n ? *n->attr_string("activation", "") : "<no node>"; }

TEST(PassesConvFusionTest, ChannelBiasAndReluBecomeOneNode) {
  TestGraph t;
  Value* x = t.input("x", {1, 3, 6, 6});
  Value* y = conv3x3(t, x, 3, 4, 1, /*bias=*/false);
  y = t.node("Add", {t.random_constant("cb", {4, 1, 1}, 5), y});
  t.output(t.node("Relu", {y}));
  t.prepare();
  expect_same_results(t.graph, t.random_inputs(), [](Graph& g) { fuse(g, 1); });
  ASSERT_EQ(t.graph.nodes().size(), 1u);
  const Node* f = first_op(t.graph, "FusedConv");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->domain, "fovea");
  EXPECT_EQ(activation_of(f), "Relu");
  EXPECT_EQ(f->inputs.size(), 3u);
  EXPECT_EQ(*f->attr_ints("pads"), (std::vector<int64_t>{1, 1, 1, 1}));
}

TEST(PassesConvFusionTest, SiluPatternIsRecognized) {
  TestGraph t;
  Value* x = t.input("x", {2, 3, 5, 5});
  Value* c = conv3x3(t, x, 3, 8, 2);
  t.output(t.node("Mul", {c, t.node("Sigmoid", {c})}));
  t.prepare();
  expect_same_results(t.graph, t.random_inputs(), [](Graph& g) { fuse(g, 1); });
  EXPECT_EQ(t.graph.nodes().size(), 1u);
  EXPECT_EQ(activation_of(first_op(t.graph, "FusedConv")), "SiLU");
}

TEST(PassesConvFusionTest, ResidualBeforeActivationAsInResNet) {
  TestGraph t;
  Value* x = t.input("x", {1, 4, 6, 6});
  Value* c = conv3x3(t, x, 4, 4, 3);
  t.output(t.node("Relu", {t.node("Add", {c, x})}));
  t.prepare();
  expect_same_results(t.graph, t.random_inputs(), [](Graph& g) { fuse(g, 1); });
  const Node* f = first_op(t.graph, "FusedConv");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(t.graph.nodes().size(), 1u);
  EXPECT_EQ(f->inputs.size(), 4u);
  EXPECT_EQ(f->inputs[3], x);
  EXPECT_EQ(*f->attr_int("residual_after_activation", 0), 0);
}

TEST(PassesConvFusionTest, ResidualAfterActivationAsInYolo) {
  TestGraph t;
  Value* x = t.input("x", {1, 4, 6, 6});
  Value* c = conv3x3(t, x, 4, 4, 4, /*bias=*/false);
  Value* act = t.node("Mul", {t.node("Sigmoid", {c}), c});
  t.output(t.node("Add", {x, act}));
  t.prepare();
  expect_same_results(t.graph, t.random_inputs(), [](Graph& g) { fuse(g, 1); });
  const Node* f = first_op(t.graph, "FusedConv");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(t.graph.nodes().size(), 1u);
  ASSERT_EQ(f->inputs.size(), 4u);
  EXPECT_EQ(f->inputs[2], nullptr);  // no bias: an omitted input
  EXPECT_EQ(*f->attr_int("residual_after_activation", 0), 1);
}

TEST(PassesConvFusionTest, ClipWithConstantBoundsIsRelu6) {
  for (int64_t opset : {9, 13}) {
    TestGraph t(opset);
    Value* x = t.input("x", {1, 2, 4, 4});
    Value* c = conv3x3(t, x, 2, 3, 5);
    if (opset < 11)
      t.output(t.node("Clip", {c}, {{"min", 0.0f}, {"max", 0.5f}}));
    else
      t.output(t.node("Clip", {c, t.constant("lo", Tensor::scalar<float>(0.0f)), t.constant("hi", Tensor::scalar<float>(0.5f))}));
    t.prepare();
    expect_same_results(t.graph, t.random_inputs(), [](Graph& g) { fuse(g, 1); });
    const Node* f = first_op(t.graph, "FusedConv");
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(activation_of(f), "Clip");
    EXPECT_EQ(*f->attr_float("activation_beta", 0.0f), 0.5f);
  }
}

TEST(PassesConvFusionTest, OtherActivations) {
  const std::vector<std::pair<std::string, std::vector<Attribute>>> acts = {
      {"LeakyRelu", {{"alpha", 0.2f}}}, {"Sigmoid", {}}, {"HardSwish", {}},
      {"HardSigmoid", {{"alpha", 0.3f}, {"beta", 0.4f}}}, {"Tanh", {}}};
  for (const auto& [op, attrs] : acts) {
    TestGraph t;
    Value* x = t.input("x", {1, 2, 5, 5});
    t.output(t.node(op, {conv3x3(t, x, 2, 3, 6)}, attrs));
    t.prepare();
    expect_same_results(t.graph, t.random_inputs(), [](Graph& g) { fuse(g, 1); });
    EXPECT_EQ(activation_of(first_op(t.graph, "FusedConv")), op);
  }
}

TEST(PassesConvFusionTest, ConvOutputWithAnotherReaderIsNotFused) {
  TestGraph t;
  Value* x = t.input("x", {1, 2, 4, 4});
  Value* c = conv3x3(t, x, 2, 2, 7);
  t.output(t.node("Relu", {c}));
  t.output(t.node("Neg", {c}));  // second reader
  t.prepare();
  fuse(t.graph, 0);
  EXPECT_EQ(count_ops(t.graph, "Conv"), 1);
  EXPECT_EQ(count_ops(t.graph, "Relu"), 1);
}

TEST(PassesConvFusionTest, IntermediateGraphOutputIsNotFused) {
  TestGraph t;
  Value* x = t.input("x", {1, 2, 4, 4});
  Value* c = conv3x3(t, x, 2, 2, 8);
  Value* r = t.node("Relu", {c});
  t.output(c);
  t.output(r);
  t.prepare();
  fuse(t.graph, 0);
  EXPECT_EQ(count_ops(t.graph, "Relu"), 1);
}

TEST(PassesConvFusionTest, SigmoidWithExtraReaderStopsTheSiluMatch) {
  TestGraph t;
  Value* x = t.input("x", {1, 2, 4, 4});
  Value* c = conv3x3(t, x, 2, 2, 9);
  Value* s = t.node("Sigmoid", {c});
  t.output(t.node("Mul", {c, s}));
  t.output(t.node("Neg", {s}));
  t.prepare();
  fuse(t.graph, 0);
  EXPECT_EQ(count_ops(t.graph, "Conv"), 1);
}

TEST(PassesConvFusionTest, ShapeFunctionRejectsBadAttributesAndResidual) {
  const Tensor x = testing::random_tensor({1, 2, 4, 4}, 1);
  const Tensor w = testing::random_tensor({3, 2, 1, 1}, 2);
  const Tensor z_bad = testing::random_tensor({1, 2, 4, 4}, 3);
  auto run = [&](std::vector<const Tensor*> ins, std::vector<Attribute> attrs) {
    Graph g;
    Node* n = g.add_node("f", "FusedConv");
    n->domain = "fovea";
    for (size_t i = 0; i < ins.size(); ++i) n->inputs.push_back(ins[i] ? *g.add_value("in" + std::to_string(i)) : nullptr);
    n->outputs = {*g.add_value("y")};
    n->attributes = std::move(attrs);
    return cpu::run_node(*n, 17, ins);
  };
  auto bad_act = run({&x, &w}, {{"activation", std::string("Swish")}});
  ASSERT_FALSE(bad_act.is_ok());
  EXPECT_NE(bad_act.status().message().find("Swish"), std::string::npos);
  EXPECT_FALSE(run({&x, &w}, {{"residual_after_activation", int64_t{2}}}).is_ok());
  auto bad_z = run({&x, &w, nullptr, &z_bad}, {});
  ASSERT_FALSE(bad_z.is_ok());
  EXPECT_NE(bad_z.status().message().find("residual"), std::string::npos);
  auto ok = run({&x, &w}, {{"activation", std::string("Relu")}});
  ASSERT_TRUE(ok.is_ok()) << ok.status().to_string();
  for (float v : (*ok)[0].values<float>()) EXPECT_GE(v, 0.0f);
}

TEST(PassesConvFusionTest, Float16RunsThroughFloat32) {
  const Tensor x = testing::random_tensor({1, 2, 4, 4}, 1);
  const Tensor w = testing::random_tensor({3, 2, 1, 1}, 2);
  const Tensor z = testing::random_tensor({1, 3, 4, 4}, 3);
  auto to_half = [](const Tensor& t) { return testing::run1("Cast", {&t}, {{"to", int64_t{10}}}); };
  const Tensor xh = to_half(x), wh = to_half(w), zh = to_half(z);
  Graph g;
  Node* n = g.add_node("f", "FusedConv");
  n->domain = "fovea";
  for (int i = 0; i < 4; ++i) n->inputs.push_back(i == 2 ? nullptr : *g.add_value("in" + std::to_string(i)));
  n->outputs = {*g.add_value("y")};
  n->attributes = {{"activation", std::string("SiLU")}, {"residual_after_activation", int64_t{1}}};
  auto y32 = cpu::run_node(*n, 17, {&x, &w, nullptr, &z});
  auto y16 = cpu::run_node(*n, 17, {&xh, &wh, nullptr, &zh});
  ASSERT_TRUE(y32.is_ok()) << y32.status().to_string();
  ASSERT_TRUE(y16.is_ok()) << y16.status().to_string();
  ASSERT_EQ((*y16)[0].dtype(), DType::kFloat16);
  const Tensor back = testing::run1("Cast", {&(*y16)[0]}, {{"to", int64_t{1}}});
  for (int64_t i = 0; i < back.numel(); ++i) EXPECT_NEAR(back.data<float>()[i], (*y32)[0].data<float>()[i], 1e-2);
}

}  // namespace
}  // namespace fovea
