// Element-wise chain fusion -> fovea.FusedElementwise; the FusedElementwise op itself.
#include "passes/elementwise_fusion.h"
#include "passes_test_graph.h"

namespace fovea {
namespace {

using testing::count_ops;
using testing::expect_same_results;
using testing::first_op;
using testing::TestGraph;

void fuse(Graph& g, int expected) {
  auto n = fuse_elementwise_chains(g);
  ASSERT_TRUE(n.is_ok()) << n.status().to_string();
  EXPECT_EQ(*n, expected);
}

TEST(PassesElementwiseFusionTest, ChainWithBroadcastAndParametersIsOneNode) {
  TestGraph t(13);
  Value* x = t.input("x", {2, 3, 4});
  Value* s = t.input("s", {3, 1});
  Value* y = t.node("Mul", {x, s});
  y = t.node("Add", {y, t.constant("half", Tensor::scalar<float>(0.5f))});
  y = t.node("LeakyRelu", {y}, {{"alpha", 0.3f}});
  y = t.node("Clip", {y, t.constant("lo", Tensor::scalar<float>(-0.2f)), t.constant("hi", Tensor::scalar<float>(0.9f))});
  y = t.node("Mul", {y, t.node("Sigmoid", {y})});
  t.output(t.node("Div", {y, t.node("Exp", {s})}));
  t.prepare();
  expect_same_results(t.graph, t.random_inputs(), [](Graph& g) { fuse(g, 1); });
  ASSERT_EQ(t.graph.nodes().size(), 1u);
  const Node* f = first_op(t.graph, "FusedElementwise");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->domain, "fovea");
  EXPECT_EQ(f->inputs.size(), 3u);  // x, s, the 0.5 constant
  EXPECT_EQ(f->attr_strings("ops")->size(), 8u);
}

TEST(PassesElementwiseFusionTest, ValueReadOutsideTheGroupSplitsIt) {
  TestGraph t;
  Value* x = t.input("x", {8});
  Value* a = t.node("Relu", {t.node("Neg", {x})});  // read by Exp and by a non-element-wise op
  Value* b = t.node("Sqrt", {t.node("Exp", {a})});
  t.output(b);
  t.output(t.node("Softmax", {a}));
  t.prepare();
  expect_same_results(t.graph, t.random_inputs(), [](Graph& g) { fuse(g, 2); });
  EXPECT_EQ(count_ops(t.graph, "FusedElementwise"), 2);
  EXPECT_EQ(count_ops(t.graph, "Softmax"), 1);
}

TEST(PassesElementwiseFusionTest, GraphOutputInsideChainStaysVisible) {
  TestGraph t;
  Value* x = t.input("x", {8});
  Value* a = t.node("Neg", {x});
  Value* b = t.node("Abs", {a});
  t.output(a);
  t.output(b);
  t.prepare();
  fuse(t.graph, 0);  // each group would have one op
  EXPECT_EQ(t.graph.nodes().size(), 2u);
}

TEST(PassesElementwiseFusionTest, GroupsRespectTheOpLimit) {
  TestGraph t;
  Value* y = t.input("x", {4, 4});
  for (int i = 0; i < 20; ++i) y = t.node(i % 2 ? "Neg" : "Tanh", {y});
  t.output(y);
  t.prepare();
  expect_same_results(t.graph, t.random_inputs(), [](Graph& g) { fuse(g, 2); });
  for (const auto& n : t.graph.nodes()) EXPECT_LE(n->attr_strings("ops")->size(), 16u);
}

TEST(PassesElementwiseFusionTest, GroupsRespectTheInputLimit) {
  TestGraph t;
  Value* y = t.input("x0", {3});
  for (int i = 1; i < 12; ++i) y = t.node("Add", {y, t.input(fmt::format("x{}", i), {3})});
  t.output(y);
  t.prepare();
  expect_same_results(t.graph, t.random_inputs(), [](Graph& g) { fuse(g, 2); });
  for (const auto& n : t.graph.nodes()) EXPECT_LE(n->inputs.size(), 8u);
}

TEST(PassesElementwiseFusionTest, IntegerOpsAreNotFused) {
  TestGraph t;
  Value* x = t.input("x", {4});
  x->dtype = DType::kInt64;
  t.output(t.node("Neg", {t.node("Abs", {x})}));
  t.prepare();
  fuse(t.graph, 0);
}

TEST(PassesElementwiseFusionTest, ProgramValidation) {
  const Tensor a = testing::random_tensor({2, 3}, 1);
  const Tensor b = testing::random_tensor({3}, 2);
  auto run = [&](std::vector<std::string> ops, std::vector<int64_t> operands) {
    Graph g;
    Node* n = g.add_node("f", "FusedElementwise");
    n->domain = "fovea";
    n->inputs = {*g.add_value("a"), *g.add_value("b")};
    n->outputs = {*g.add_value("y")};
    n->set_attribute("ops", ops);
    n->set_attribute("operands", operands);
    return cpu::run_node(*n, 17, {&a, &b});
  };
  auto ok = run({"Sub", "Abs", "Pow"}, {0, 1, 2, -1, 3, 1});  // |a - b| ^ b
  ASSERT_TRUE(ok.is_ok()) << ok.status().to_string();
  EXPECT_EQ((*ok)[0].dims(), (Dims{2, 3}));
  const float expected = std::pow(std::fabs(a.data<float>()[4] - b.data<float>()[1]), b.data<float>()[1]);
  EXPECT_NEAR((*ok)[0].data<float>()[4], expected, 1e-6);
  EXPECT_FALSE(run({"Softmax"}, {0, -1}).is_ok());        // not element-wise
  EXPECT_FALSE(run({"Add"}, {0, 2}).is_ok());             // register 2 does not exist yet
  EXPECT_FALSE(run({"Relu"}, {0, 1}).is_ok());            // unary with a second operand
  EXPECT_FALSE(run({"Add", "Relu"}, {0, 1}).is_ok());     // operands too short
  EXPECT_FALSE(run({}, {}).is_ok());                      // no ops
  // Channel-like broadcast of one input against another.
  const Tensor c = testing::random_tensor({2, 1}, 3);
  Graph g;
  Node* n = g.add_node("f", "FusedElementwise");
  n->domain = "fovea";
  n->inputs = {*g.add_value("b"), *g.add_value("c")};
  n->outputs = {*g.add_value("y")};
  n->set_attribute("ops", std::vector<std::string>{"Max"});
  n->set_attribute("operands", std::vector<int64_t>{0, 1});
  auto r = cpu::run_node(*n, 17, {&b, &c});
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ((*r)[0].dims(), (Dims{2, 3}));
  EXPECT_EQ((*r)[0].data<float>()[4], std::max(b.data<float>()[1], c.data<float>()[1]));
}

}  // namespace
}  // namespace fovea
