// Constant folding, shape folding and dead-node elimination.
#include "passes/constant_folding.h"
#include "passes/dead_node_elimination.h"
#include "passes/optimize_graph.h"
#include "passes/shape_folding.h"
#include "passes_test_graph.h"

namespace fovea {
namespace {

using testing::count_ops;
using testing::expect_same_results;
using testing::TestGraph;

TEST(PassesFoldingTest, ConstantSubgraphBecomesAnInitializer) {
  TestGraph t;
  Value* x = t.input("x", {2, 3});
  Value* a = t.random_constant("a", {2, 3}, 1);
  Value* b = t.random_constant("b", {3}, 2);
  Value* c = t.node("Mul", {t.node("Add", {a, b}), b});  // all constant
  t.output(t.node("Add", {x, c}));
  t.prepare();
  expect_same_results(t.graph, t.random_inputs(), [](Graph& g) {
    auto n = fold_constants(g);
    ASSERT_TRUE(n.is_ok()) << n.status().to_string();
    EXPECT_EQ(*n, 2);
  });
  EXPECT_EQ(t.graph.nodes().size(), 1u);
  EXPECT_EQ(count_ops(t.graph, "Add"), 1);
  // The folded intermediates and the inputs only they read are gone.
  EXPECT_EQ(t.graph.find_value("a"), nullptr);
}

TEST(PassesFoldingTest, LargeConstantOutputIsLeftToRunTime) {
  TestGraph t;
  Value* x = t.input("x", {1});
  Value* shape = t.constant("shape", Tensor::from_vector<int64_t>({1024, 1024, 8}, {3}));  // 32 MiB of float
  Value* big = t.node("ConstantOfShape", {shape}, {{"value", Tensor::from_vector<float>({1.0f}, {1})}});
  t.output(t.node("Add", {big, x}));
  t.prepare();
  auto n = fold_constants(t.graph);
  ASSERT_TRUE(n.is_ok()) << n.status().to_string();
  EXPECT_EQ(*n, 0);
  EXPECT_EQ(count_ops(t.graph, "ConstantOfShape"), 1);
  ConstantFoldingOptions big_enough;
  big_enough.max_output_bytes = int64_t{64} << 20;
  EXPECT_EQ(*fold_constants(t.graph, big_enough), 1);
}

TEST(PassesFoldingTest, StaticShapeArithmeticFoldsAway) {
  TestGraph t(17);
  Value* x = t.input("x", {2, 3, 4});
  Value* shape = t.node("Shape", {x});
  Value* idx = t.constant("idx", Tensor::from_vector<int64_t>({0}, {1}));
  Value* first = t.node("Gather", {shape, idx}, {{"axis", int64_t{0}}});
  Value* minus1 = t.constant("minus1", Tensor::from_vector<int64_t>({-1}, {1}));
  Value* new_shape = t.node("Concat", {first, minus1}, {{"axis", int64_t{0}}});
  t.output(t.node("Reshape", {x, new_shape}));
  t.prepare();
  expect_same_results(t.graph, t.random_inputs(), [](Graph& g) {
    EXPECT_EQ(*fold_static_shapes(g), 1);
    EXPECT_EQ(*fold_constants(g), 2);  // Gather, Concat
  });
  EXPECT_EQ(t.graph.nodes().size(), 1u);
  EXPECT_EQ(count_ops(t.graph, "Reshape"), 1);
}

TEST(PassesFoldingTest, ShapeOfSymbolicDimIsKept) {
  TestGraph t(17);
  Value* x = t.input("x", {2, 3});
  x->shape = Shape{Dim::symbolic("batch"), Dim::known(3)};
  Value* s = t.node("Shape", {x});
  Value* tail = t.node("Shape", {x}, {{"start", int64_t{1}}});  // only the static dim: folds
  t.output(s);
  t.output(tail);
  t.prepare();
  EXPECT_EQ(*fold_static_shapes(t.graph), 1);
  EXPECT_EQ(count_ops(t.graph, "Shape"), 1);
  ASSERT_TRUE(tail->is_constant());
  EXPECT_EQ(tail->constant->int_at(0), 3);
}

TEST(PassesFoldingTest, DeadNodesGoGraphOutputsStay) {
  TestGraph t;
  Value* x = t.input("x", {4});
  Value* used = t.node("Relu", {x});
  Value* dead = t.node("Exp", {t.node("Neg", {x})});  // nothing reads it
  (void)dead;
  Value* out2 = t.node("Sigmoid", {used});
  t.output(used);  // a graph output that is also read by another node
  t.output(out2);
  Value* unread_output = t.node("Tanh", {x});  // a graph output read by nobody
  t.output(unread_output);
  t.prepare();
  expect_same_results(t.graph, t.random_inputs(), [](Graph& g) { EXPECT_EQ(*eliminate_dead_nodes(g), 2); });
  EXPECT_EQ(t.graph.nodes().size(), 3u);
  EXPECT_EQ(count_ops(t.graph, "Tanh"), 1);
  EXPECT_EQ(count_ops(t.graph, "Exp"), 0);
  EXPECT_EQ(*eliminate_dead_nodes(t.graph), 0);
}

TEST(PassesFoldingTest, PipelineReportsRewritesAndNodeCounts) {
  TestGraph t;
  Value* x = t.input("x", {2, 3});
  Value* c = t.node("Neg", {t.random_constant("a", {3}, 3)});
  t.node("Exp", {x});  // dead
  t.output(t.node("Add", {x, c}));
  t.prepare();
  PassOptions options;
  options.fuse = false;
  PassReport report;
  expect_same_results(t.graph, t.random_inputs(), [&](Graph& g) {
    auto r = optimize_graph(g, options);
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    report = *r;
  });
  EXPECT_EQ(report.nodes_before, 3u);
  EXPECT_EQ(report.nodes_after, 1u);
  EXPECT_EQ(report.rewrites("constant_folding"), 1);
  EXPECT_EQ(report.rewrites("dead_node_elimination"), 1);
  EXPECT_EQ(report.rewrites("conv_fusion"), 0);
  EXPECT_NE(report.to_string().find("nodes 3 -> 1"), std::string::npos) << report.to_string();
}

}  // namespace
}  // namespace fovea
