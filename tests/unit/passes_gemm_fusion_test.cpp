// Gemm / MatMul + bias + activation -> fovea.FusedGemm / fovea.FusedMatMul.
#include "passes/gemm_fusion.h"
#include "passes_test_graph.h"

namespace fovea {
namespace {

using testing::count_ops;
using testing::expect_same_results;
using testing::first_op;
using testing::TestGraph;

void fuse(Graph& g, int expected) {
  auto n = fuse_gemm_matmul_bias_activation(g);
  ASSERT_TRUE(n.is_ok()) << n.status().to_string();
  EXPECT_EQ(*n, expected);
}

TEST(PassesGemmFusionTest, GemmWithBiasAndRelu) {
  TestGraph t;
  Value* a = t.input("a", {3, 5});
  Value* y = t.node("Gemm", {a, t.random_constant("w", {4, 5}, 1), t.random_constant("c", {4}, 2)},
                    {{"transB", int64_t{1}}, {"beta", 0.5f}});
  t.output(t.node("Relu", {y}));
  t.prepare();
  expect_same_results(t.graph, t.random_inputs(), [](Graph& g) { fuse(g, 1); });
  const Node* f = first_op(t.graph, "FusedGemm");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(t.graph.nodes().size(), 1u);
  EXPECT_EQ(*f->attr_string("activation", ""), "Relu");
}

TEST(PassesGemmFusionTest, GemmAddBiasIntoExistingCThenLeakyRelu) {
  TestGraph t;
  Value* a = t.input("a", {3, 5});
  Value* y = t.node("Gemm", {a, t.random_constant("w", {5, 4}, 3), t.random_constant("c", {1, 4}, 4)},
                    {{"beta", 2.0f}});
  y = t.node("Add", {y, t.random_constant("bias", {4}, 5)});
  t.output(t.node("LeakyRelu", {y}, {{"alpha", 0.1f}}));
  t.prepare();
  expect_same_results(t.graph, t.random_inputs(), [](Graph& g) { fuse(g, 1); });
  EXPECT_EQ(t.graph.nodes().size(), 1u);
  const Node* f = first_op(t.graph, "FusedGemm");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(*f->attr_float("beta", 0.0f), 1.0f);
}

TEST(PassesGemmFusionTest, MatMulWithRowBiasAndSilu) {
  TestGraph t;
  Value* a = t.input("a", {2, 3, 5});
  Value* y = t.node("MatMul", {a, t.random_constant("w", {5, 6}, 6)});
  y = t.node("Add", {t.random_constant("bias", {1, 1, 6}, 7), y});
  t.output(t.node("Mul", {y, t.node("Sigmoid", {y})}));
  t.prepare();
  expect_same_results(t.graph, t.random_inputs(), [](Graph& g) { fuse(g, 1); });
  const Node* f = first_op(t.graph, "FusedMatMul");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(t.graph.nodes().size(), 1u);
  ASSERT_EQ(f->inputs.size(), 3u);
  EXPECT_EQ(f->inputs[2]->constant->dims(), (Dims{6}));
  EXPECT_EQ(*f->attr_string("activation", ""), "SiLU");
}

TEST(PassesGemmFusionTest, MatMulAloneOrWithFullTensorAddIsLeft) {
  TestGraph t;
  Value* a = t.input("a", {2, 3, 5});
  Value* y = t.node("MatMul", {a, t.random_constant("w", {5, 6}, 8)});
  t.output(t.node("Add", {y, t.random_constant("full", {3, 6}, 9)}));  // not a row bias
  t.prepare();
  fuse(t.graph, 0);
  EXPECT_EQ(count_ops(t.graph, "MatMul"), 1);
}

TEST(PassesGemmFusionTest, MatMulOutputWithAnotherReaderIsNotFused) {
  TestGraph t;
  Value* a = t.input("a", {3, 5});
  Value* y = t.node("MatMul", {a, t.random_constant("w", {5, 6}, 10)});
  t.output(t.node("Relu", {y}));
  t.output(t.node("Neg", {y}));
  t.prepare();
  fuse(t.graph, 0);
}

}  // namespace
}  // namespace fovea
