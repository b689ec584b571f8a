// BatchNormalization folded into Conv, ConvTranspose and Gemm.
#include "passes/batchnorm_folding.h"
#include "passes_test_graph.h"

namespace fovea {
namespace {

using testing::count_ops;
using testing::expect_same_results;
using testing::TestGraph;

// BN over `channels` with random, well-conditioned parameters.
Value* add_bn(TestGraph& t, Value* x, int64_t channels, uint32_t seed) {
  return t.node("BatchNormalization",
                {x, t.random_constant("gamma", {channels}, seed, 0.5f, 1.5f),
                 t.random_constant("beta", {channels}, seed + 1), t.random_constant("mean", {channels}, seed + 2),
                 t.random_constant("var", {channels}, seed + 3, 0.1f, 2.0f)},
                {{"epsilon", 1e-3f}});
}

void fold_once(Graph& g) {
  auto n = fold_batchnorm_into_conv(g);
  ASSERT_TRUE(n.is_ok()) << n.status().to_string();
  EXPECT_EQ(*n, 1);
}

TEST(PassesBatchnormTest, FoldsIntoConvWithAndWithoutBias) {
  for (bool with_bias : {false, true}) {
    TestGraph t;
    Value* x = t.input("x", {2, 4, 7, 7});
    std::vector<Value*> ins = {x, t.random_constant("w", {6, 2, 3, 3}, 10)};
    if (with_bias) ins.push_back(t.random_constant("b", {6}, 11));
    Value* y = t.node("Conv", ins, {{"group", int64_t{2}}, {"pads", std::vector<int64_t>{1, 1, 1, 1}}});
    t.output(add_bn(t, y, 6, 20));
    t.prepare();
    expect_same_results(t.graph, t.random_inputs(), fold_once);
    EXPECT_EQ(count_ops(t.graph, "BatchNormalization"), 0);
    EXPECT_EQ(count_ops(t.graph, "Conv"), 1);
    EXPECT_EQ(t.graph.nodes()[0]->inputs.size(), 3u);
  }
}

TEST(PassesBatchnormTest, FoldsIntoGroupedConvTranspose) {
  TestGraph t;
  Value* x = t.input("x", {1, 4, 5, 5});
  Value* y = t.node("ConvTranspose", {x, t.random_constant("w", {4, 3, 3, 3}, 30), t.random_constant("b", {6}, 31)},
                    {{"group", int64_t{2}}, {"strides", std::vector<int64_t>{2, 2}}});
  t.output(add_bn(t, y, 6, 40));
  t.prepare();
  expect_same_results(t.graph, t.random_inputs(), fold_once);
  EXPECT_EQ(count_ops(t.graph, "BatchNormalization"), 0);
}

TEST(PassesBatchnormTest, FoldsIntoGemmBothLayouts) {
  for (int64_t trans_b : {0, 1}) {
    TestGraph t;
    Value* a = t.input("a", {3, 5});
    Value* w = t.random_constant("w", trans_b ? Dims{4, 5} : Dims{5, 4}, 50);
    Value* y = t.node("Gemm", {a, w, t.random_constant("c", {1, 4}, 51)},
                      {{"transB", trans_b}, {"alpha", 0.5f}, {"beta", 2.0f}});
    t.output(add_bn(t, y, 4, 60));
    t.prepare();
    expect_same_results(t.graph, t.random_inputs(), fold_once);
    EXPECT_EQ(count_ops(t.graph, "BatchNormalization"), 0);
  }
}

TEST(PassesBatchnormTest, ConvOutputWithAnotherReaderIsNotFolded) {
  TestGraph t;
  Value* x = t.input("x", {1, 2, 4, 4});
  Value* y = t.node("Conv", {x, t.random_constant("w", {3, 2, 1, 1}, 70)});
  t.output(add_bn(t, y, 3, 80));
  t.output(t.node("Relu", {y}));  // second reader of the conv output
  t.prepare();
  EXPECT_EQ(*fold_batchnorm_into_conv(t.graph), 0);
  EXPECT_EQ(count_ops(t.graph, "BatchNormalization"), 1);
}

TEST(PassesBatchnormTest, NonConstantParametersAreNotFolded) {
  TestGraph t;
  Value* x = t.input("x", {1, 2, 4, 4});
  Value* gamma = t.input("gamma", {3});
  Value* y = t.node("Conv", {x, t.random_constant("w", {3, 2, 1, 1}, 90)});
  t.output(t.node("BatchNormalization", {y, gamma, t.random_constant("b", {3}, 91), t.random_constant("m", {3}, 92),
                                         t.random_constant("v", {3}, 93, 0.5f, 1.0f)}));
  t.prepare();
  EXPECT_EQ(*fold_batchnorm_into_conv(t.graph), 0);
}

}  // namespace
}  // namespace fovea
