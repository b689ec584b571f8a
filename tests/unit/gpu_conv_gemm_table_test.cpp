// The conv/gemm GPU kernels' table entries and their host-side logic (no GPU needed): conv
// geometry and its cuDNN view, tactic ids, activation math and attributes, MatMul batching, Gemm's C.
#ifdef FOVEA_HAVE_CUDA

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "backends/cuda/conv_fused_activation.h"
#include "backends/cuda/conv_geometry.h"
#include "backends/cuda/conv_tactic_id.h"
#include "backends/cuda/cublaslt_matmul.h"
#include "backends/cuda/cublaslt_tactics.h"
#include "backends/cuda/gemm_c_operand.h"
#include "backends/cuda/gpu_kernel.h"
#include "backends/cuda/kernels/activation_math.h"
#include "backends/cuda/matmul_batch_plan.h"

namespace fovea::cuda {
namespace {

using kernels::Activation;
using kernels::ActivationParams;

TEST(GpuConvGemmTable, AllSevenOpsHaveKernelsWithTactics) {
  const std::pair<const char*, const char*> ops[] = {{"", "Conv"},          {"fovea", "FusedConv"},
                                                     {"", "ConvTranspose"}, {"", "Gemm"},
                                                     {"fovea", "FusedGemm"}, {"", "MatMul"},
                                                     {"fovea", "FusedMatMul"}};
  for (const auto& [domain, op] : ops) {
    const GpuKernelEntry* e = find_gpu_kernel(domain, op);
    ASSERT_NE(e, nullptr) << domain << "." << op;
    EXPECT_NE(e->run, nullptr) << op;
    EXPECT_NE(e->tactics, nullptr) << op;
    EXPECT_FALSE(e->data_dependent) << op;
  }
  EXPECT_NE(find_gpu_kernel("ai.onnx", "Conv"), nullptr);
}

// A node with the given attributes, for the geometry functions.
struct TestNode {
  Graph graph;
  Node* node;
  explicit TestNode(const std::string& op, std::vector<Attribute> attrs = {}) {
    node = graph.add_node("n", op);
    node->attributes = std::move(attrs);
  }
};

TEST(GpuConvGeometry, SymmetricPadsGoStraightToCudnn) {
  TestNode t("Conv", {{"pads", Dims{1, 1, 1, 1}}, {"strides", Dims{2, 2}}});
  auto p = make_conv_problem(*t.node, false, {1, 8, 16, 16}, {4, 8, 3, 3});
  ASSERT_TRUE(p.is_ok()) << p.status().to_string();
  EXPECT_EQ(p->out, (Dims{8, 8}));
  auto s = cudnn_conv_shape(*t.node, *p);
  ASSERT_TRUE(s.is_ok()) << s.status().to_string();
  EXPECT_FALSE(s->staged);
  EXPECT_EQ(s->x, (Dims{1, 8, 16, 16}));
  EXPECT_EQ(s->w, (Dims{4, 8, 3, 3}));
  EXPECT_EQ(s->y, (Dims{1, 4, 8, 8}));
  EXPECT_EQ(s->pads, (std::vector<int>{1, 1}));
  EXPECT_EQ(s->strides, (std::vector<int>{2, 2}));
  EXPECT_EQ(staged_bytes(*s, 4), 0u);
}

TEST(GpuConvGeometry, AsymmetricPadsStageAPaddedInput) {
  // SAME_UPPER with stride 2 on an even input: total pad 1, all of it at the end.
  TestNode t("Conv", {{"auto_pad", std::string("SAME_UPPER")}, {"strides", Dims{2, 2}}});
  auto p = make_conv_problem(*t.node, false, {2, 3, 8, 8}, {5, 3, 3, 3});
  ASSERT_TRUE(p.is_ok());
  EXPECT_EQ(p->pads_begin, (Dims{0, 0}));
  EXPECT_EQ(p->pads_end, (Dims{1, 1}));
  auto s = cudnn_conv_shape(*t.node, *p);
  ASSERT_TRUE(s.is_ok());
  EXPECT_TRUE(s->staged);
  EXPECT_EQ(s->x, (Dims{2, 3, 9, 9}));
  EXPECT_EQ(s->unstaged_x, (Dims{2, 3, 8, 8}));
  EXPECT_EQ(s->pads, (std::vector<int>{0, 0}));
  EXPECT_EQ(s->copy_offset, (Dims{0, 0}));
  EXPECT_EQ(s->y, (Dims{2, 5, 4, 4}));
  EXPECT_EQ(staged_bytes(*s, 2), size_t{2 * 3 * 9 * 9 * 2});
}

TEST(GpuConvGeometry, OneDimensionalConvIsLiftedTo2D) {
  TestNode t("Conv", {{"pads", Dims{2, 1}}, {"dilations", Dims{2}}, {"group", int64_t{2}}});
  auto p = make_conv_problem(*t.node, false, {1, 4, 10}, {6, 2, 3});
  ASSERT_TRUE(p.is_ok());
  auto s = cudnn_conv_shape(*t.node, *p);
  ASSERT_TRUE(s.is_ok());
  EXPECT_TRUE(s->staged);  // pads 2 / 1
  EXPECT_EQ(s->x, (Dims{1, 4, 1, 13}));
  EXPECT_EQ(s->w, (Dims{6, 2, 1, 3}));
  EXPECT_EQ(s->y, (Dims{1, 6, 1, 9}));  // (10 + 3 - 5) / 1 + 1
  EXPECT_EQ(s->copy_offset, (Dims{0, -2}));
  EXPECT_EQ(s->dilations, (std::vector<int>{1, 2}));
}

TEST(GpuConvGeometry, ConvTransposeWithOutputPaddingIsDirect) {
  TestNode t("ConvTranspose", {{"strides", Dims{2, 2}}, {"pads", Dims{1, 1, 1, 1}}, {"output_padding", Dims{1, 1}}});
  auto p = make_conv_problem(*t.node, true, {1, 4, 5, 5}, {4, 3, 3, 3});
  ASSERT_TRUE(p.is_ok());
  EXPECT_EQ(p->out_channels, 3);
  EXPECT_EQ(p->out, (Dims{10, 10}));  // 2 * 4 + 3 + 1 - 2
  auto s = cudnn_conv_shape(*t.node, *p);
  ASSERT_TRUE(s.is_ok());
  EXPECT_FALSE(s->staged);
  EXPECT_EQ(s->x, (Dims{1, 3, 10, 10}));  // dx: the transposed conv's output
  EXPECT_EQ(s->y, (Dims{1, 4, 5, 5}));    // dy: its input
  EXPECT_EQ(s->w, (Dims{4, 3, 3, 3}));
}

TEST(GpuConvGeometry, ConvTransposeWithAsymmetricPadsStagesTheFullOutput) {
  TestNode t("ConvTranspose", {{"strides", Dims{2}}, {"pads", Dims{0, 1}}, {"group", int64_t{2}}});
  auto p = make_conv_problem(*t.node, true, {1, 4, 3}, {4, 1, 3});
  ASSERT_TRUE(p.is_ok());
  EXPECT_EQ(p->out_channels, 2);
  EXPECT_EQ(p->out, (Dims{6}));  // 2 * 2 + 3 - 1
  auto s = cudnn_conv_shape(*t.node, *p);
  ASSERT_TRUE(s.is_ok());
  EXPECT_TRUE(s->staged);
  EXPECT_EQ(s->x, (Dims{1, 2, 1, 7}));  // full: 2 * 2 + 3
  EXPECT_EQ(s->unstaged_x, (Dims{1, 2, 1, 6}));
  EXPECT_EQ(s->copy_offset, (Dims{0, 0}));
  EXPECT_EQ(s->w, (Dims{4, 1, 1, 3}));
}

TEST(GpuConvGeometry, ConvTransposeOutputShapeLargerThanFullIsStaged) {
  TestNode t("ConvTranspose", {{"strides", Dims{1, 1}}, {"output_shape", Dims{6, 6}}});
  auto p = make_conv_problem(*t.node, true, {1, 1, 3, 3}, {1, 1, 2, 2});
  ASSERT_TRUE(p.is_ok());
  EXPECT_EQ(p->out, (Dims{6, 6}));
  auto s = cudnn_conv_shape(*t.node, *p);
  ASSERT_TRUE(s.is_ok());
  EXPECT_TRUE(s->staged);
  EXPECT_EQ(s->x, (Dims{1, 1, 4, 4}));
}

TEST(GpuConvGeometry, DepthwiseEligibility) {
  TestNode dw("Conv", {{"group", int64_t{8}}, {"pads", Dims{1, 1, 1, 1}}});
  auto p = make_conv_problem(*dw.node, false, {1, 8, 7, 7}, {16, 1, 3, 3});
  ASSERT_TRUE(p.is_ok());
  EXPECT_TRUE(depthwise_applies(*p));
  TestNode grouped("Conv", {{"group", int64_t{4}}});
  auto q = make_conv_problem(*grouped.node, false, {1, 8, 7, 7}, {8, 2, 3, 3});
  ASSERT_TRUE(q.is_ok());
  EXPECT_FALSE(depthwise_applies(*q));
  TestNode three_d("Conv", {{"group", int64_t{2}}});
  auto r = make_conv_problem(*three_d.node, false, {1, 2, 4, 4, 4}, {2, 1, 3, 3, 3});
  ASSERT_TRUE(r.is_ok());
  EXPECT_FALSE(depthwise_applies(*r));
}

TEST(GpuConvGeometry, BadChannelsAreErrorsNotCrashes) {
  TestNode t("Conv", {{"group", int64_t{3}}});
  auto p = make_conv_problem(*t.node, false, {1, 8, 4, 4}, {3, 2, 1, 1});
  ASSERT_FALSE(p.is_ok());
  EXPECT_NE(p.status().message().find("'n'"), std::string::npos) << p.status().to_string();
  EXPECT_FALSE(make_conv_problem(*t.node, false, {1, 8}, {3, 2}).is_ok());
}

TEST(GpuConvTacticId, RoundTripsAndRejectsForeignIds) {
  ConvTacticChoice c{.algo = 1, .math = 1, .fused = true};
  const Tactic t{conv_tactic_name(c, false), encode_conv_tactic(c), 0};
  EXPECT_EQ(t.name, "cudnn:IMPLICIT_PRECOMP_GEMM:tensor_op+bias_act");
  auto d = decode_conv_tactic(t, 8);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->algo, 1);
  EXPECT_EQ(d->math, 1);
  EXPECT_TRUE(d->fused);
  EXPECT_FALSE(d->depthwise);

  const ConvTacticChoice dw{.depthwise = true};
  const Tactic tdw{conv_tactic_name(dw, false), encode_conv_tactic(dw), 0};
  EXPECT_EQ(tdw.name, "fovea:depthwise");
  ASSERT_TRUE(decode_conv_tactic(tdw, 8).has_value());
  EXPECT_TRUE(decode_conv_tactic(tdw, 8)->depthwise);

  EXPECT_EQ(conv_tactic_name(ConvTacticChoice{.algo = 1, .math = 3}, true), "cudnn:bwd_data:ALGO_1:fma");
  EXPECT_FALSE(decode_conv_tactic(Tactic{"x", 7, 0}, 6).has_value());   // algo out of range
  EXPECT_FALSE(decode_conv_tactic(Tactic{"x", -1, 0}, 8).has_value());
  EXPECT_FALSE(decode_conv_tactic(Tactic{"x", 4 << 8, 0}, 8).has_value());  // math out of range
}

TEST(GpuEpilogueActivation, MatchesOnnxDefinitions) {
  auto act = [](Activation k, float v, float a = 0, float b = 0) { return kernels::apply_activation({k, a, b}, v); };
  EXPECT_EQ(act(Activation::kNone, -2.0f), -2.0f);
  EXPECT_EQ(act(Activation::kRelu, -2.0f), 0.0f);
  EXPECT_EQ(act(Activation::kRelu, 3.0f), 3.0f);
  EXPECT_TRUE(std::isnan(act(Activation::kRelu, std::nanf(""))));
  EXPECT_FLOAT_EQ(act(Activation::kLeakyRelu, -2.0f, 0.1f), -0.2f);
  EXPECT_FLOAT_EQ(act(Activation::kSigmoid, 0.0f), 0.5f);
  EXPECT_FLOAT_EQ(act(Activation::kSiLU, 2.0f), 2.0f / (1.0f + std::exp(-2.0f)));
  EXPECT_FLOAT_EQ(act(Activation::kHardSwish, 1.0f), 1.0f * (1.0f / 6.0f + 0.5f));
  EXPECT_EQ(act(Activation::kHardSwish, -4.0f), -0.0f);
  EXPECT_EQ(act(Activation::kHardSwish, 4.0f), 4.0f);
  EXPECT_FLOAT_EQ(act(Activation::kHardSigmoid, 1.0f, 0.2f, 0.5f), 0.7f);
  EXPECT_EQ(act(Activation::kClip, 7.0f, 0.0f, 6.0f), 6.0f);
  EXPECT_EQ(act(Activation::kClip, -1.0f, 0.0f, 6.0f), 0.0f);
  EXPECT_FLOAT_EQ(act(Activation::kTanh, 0.5f), std::tanh(0.5f));
}

TEST(GpuEpilogueActivation, ParsesFusedAttributesWithOnnxDefaults) {
  TestNode plain("Conv");
  auto a = parse_fused_activation(*plain.node);
  ASSERT_TRUE(a.is_ok());
  EXPECT_EQ(a->kind, Activation::kNone);

  TestNode leaky("FusedConv", {{"activation", std::string("LeakyRelu")}});
  auto l = parse_fused_activation(*leaky.node);
  ASSERT_TRUE(l.is_ok());
  EXPECT_EQ(l->kind, Activation::kLeakyRelu);
  EXPECT_FLOAT_EQ(l->alpha, 0.01f);

  TestNode clip("FusedConv", {{"activation", std::string("Clip")}, {"activation_alpha", 0.0f},
                              {"activation_beta", 6.0f}, {"residual_after_activation", int64_t{1}}});
  auto c = parse_fused_activation(*clip.node);
  ASSERT_TRUE(c.is_ok());
  EXPECT_EQ(c->kind, Activation::kClip);
  EXPECT_EQ(c->alpha, 0.0f);
  EXPECT_EQ(c->beta, 6.0f);
  auto after = parse_residual_after_activation(*clip.node);
  ASSERT_TRUE(after.is_ok());
  EXPECT_TRUE(*after);

  TestNode unbounded("FusedConv", {{"activation", std::string("Clip")}});
  auto u = parse_fused_activation(*unbounded.node);
  ASSERT_TRUE(u.is_ok());
  EXPECT_EQ(u->beta, std::numeric_limits<float>::infinity());

  TestNode bad("FusedConv", {{"activation", std::string("Gelu")}});
  auto b = parse_fused_activation(*bad.node);
  ASSERT_FALSE(b.is_ok());
  EXPECT_NE(b.status().message().find("Gelu"), std::string::npos);
}

TEST(GpuMatMulBatchPlan, SharedWeightsFoldIntoOneGemm) {
  auto p = plan_mat_mul({2, 3, 5, 4}, {4, 7});
  ASSERT_TRUE(p.is_ok());
  EXPECT_EQ(p->m, 30);
  EXPECT_EQ(p->n, 7);
  EXPECT_EQ(p->k, 4);
  EXPECT_EQ(p->batch, 1);
  EXPECT_EQ(p->a_offsets, (std::vector<int64_t>{0}));
}

TEST(GpuMatMulBatchPlan, EqualBatchesAreOneStridedCall) {
  auto p = plan_mat_mul({2, 3, 5, 4}, {2, 3, 4, 7});
  ASSERT_TRUE(p.is_ok());
  EXPECT_EQ(p->m, 5);
  EXPECT_EQ(p->batch, 6);
  EXPECT_EQ(p->a_stride, 20);
  EXPECT_EQ(p->b_stride, 28);
  EXPECT_EQ(p->a_offsets.size(), 1u);
}

TEST(GpuMatMulBatchPlan, BroadcastAIsStrideZero) {
  auto p = plan_mat_mul({5, 4}, {3, 4, 7});
  ASSERT_TRUE(p.is_ok());
  EXPECT_EQ(p->batch, 3);
  EXPECT_EQ(p->a_stride, 0);
  EXPECT_EQ(p->b_stride, 28);
  EXPECT_EQ(p->a_offsets, (std::vector<int64_t>{0}));
  EXPECT_EQ(p->b_offsets, (std::vector<int64_t>{0}));
}

TEST(GpuMatMulBatchPlan, MixedBroadcastSplitsIntoCalls) {
  // A [3, 1, 2, 4], B [1, 2, 4, 5]: out batch [3, 2]; the inner dim (2) has A broadcast and B
  // present, the outer (3) the other way round.
  auto p = plan_mat_mul({3, 1, 2, 4}, {1, 2, 4, 5});
  ASSERT_TRUE(p.is_ok());
  EXPECT_EQ(p->batch_dims, (Dims{3, 2}));
  EXPECT_EQ(p->batch, 2);
  EXPECT_EQ(p->a_stride, 0);
  EXPECT_EQ(p->b_stride, 20);
  EXPECT_EQ(p->a_offsets, (std::vector<int64_t>{0, 8, 16}));
  EXPECT_EQ(p->b_offsets, (std::vector<int64_t>{0, 0, 0}));
}

TEST(GpuMatMulBatchPlan, VectorsAndErrors) {
  auto v = plan_mat_mul({4}, {4});
  ASSERT_TRUE(v.is_ok());
  EXPECT_EQ(v->m, 1);
  EXPECT_EQ(v->n, 1);
  EXPECT_EQ(v->k, 4);
  auto bv = plan_mat_mul({2, 3, 4}, {4});
  ASSERT_TRUE(bv.is_ok());
  EXPECT_EQ(bv->m, 6);  // B shared: folded
  EXPECT_EQ(bv->n, 1);
  EXPECT_FALSE(plan_mat_mul({3, 4}, {5, 6}).is_ok());
  EXPECT_FALSE(plan_mat_mul({2, 3, 4}, {3, 4, 5}).is_ok());
  EXPECT_FALSE(plan_mat_mul({}, {4}).is_ok());
}

TEST(GpuGemmCOperand, ChoosesMatrixBiasOrEpilogue) {
  auto none = plan_gemm_c(false, {}, 4, 5, 1.0f);
  ASSERT_TRUE(none.is_ok());
  EXPECT_EQ(none->mode, GemmCMode::kNone);
  EXPECT_EQ(plan_gemm_c(true, {4, 5}, 4, 5, 0.0f)->mode, GemmCMode::kNone);
  EXPECT_EQ(plan_gemm_c(true, {4, 5}, 4, 5, 0.5f)->mode, GemmCMode::kMatrix);
  EXPECT_EQ(plan_gemm_c(true, {5}, 4, 5, 1.0f)->mode, GemmCMode::kRowBias);
  EXPECT_EQ(plan_gemm_c(true, {1, 5}, 4, 5, 1.0f)->mode, GemmCMode::kRowBias);
  auto scaled = plan_gemm_c(true, {5}, 4, 5, 2.0f);
  ASSERT_TRUE(scaled.is_ok());
  EXPECT_EQ(scaled->mode, GemmCMode::kEpilogue);
  EXPECT_EQ(scaled->row_stride, 0);
  EXPECT_EQ(scaled->col_stride, 1);
  auto column = plan_gemm_c(true, {4, 1}, 4, 5, 1.0f);
  ASSERT_TRUE(column.is_ok());
  EXPECT_EQ(column->mode, GemmCMode::kEpilogue);
  EXPECT_EQ(column->row_stride, 1);
  EXPECT_EQ(column->col_stride, 0);
  auto scalar = plan_gemm_c(true, {}, 4, 5, 1.0f);
  ASSERT_TRUE(scalar.is_ok());
  EXPECT_EQ(scalar->mode, GemmCMode::kEpilogue);
  EXPECT_EQ(scalar->row_stride, 0);
  EXPECT_EQ(scalar->col_stride, 0);
  EXPECT_FALSE(plan_gemm_c(true, {3, 5}, 4, 5, 1.0f).is_ok());
  EXPECT_FALSE(plan_gemm_c(true, {1, 1, 5}, 4, 5, 1.0f).is_ok());
}

TEST(GpuCublasLtTactics, NamesIndicesAndFallback) {
  std::vector<cublasLtMatmulHeuristicResult_t> algos(3);
  algos[0].workspaceSize = 1024;
  algos[1].workspaceSize = 0;
  algos[2].workspaceSize = 64;
  auto tactics = cublaslt_tactics(algos);
  ASSERT_EQ(tactics.size(), 3u);
  EXPECT_EQ(tactics[2].name, "cublaslt:algo2");
  EXPECT_EQ(tactics[2].id, 2);
  EXPECT_EQ(tactics[0].workspace_bytes, 1024u);
  EXPECT_EQ(choose_cublaslt_algo(algos, &tactics[2], 4096), 2u);
  EXPECT_EQ(choose_cublaslt_algo(algos, nullptr, 4096), 0u);
  EXPECT_EQ(choose_cublaslt_algo(algos, &tactics[0], 100), 1u);  // too big: first that fits
  const Tactic foreign{"cudnn:GEMM", 2, 0};
  EXPECT_EQ(choose_cublaslt_algo(algos, &foreign, 4096), 0u);
  const Tactic stale{"cublaslt:algo9", 9, 0};
  EXPECT_EQ(choose_cublaslt_algo(algos, &stale, 4096), 0u);
  EXPECT_EQ(choose_cublaslt_algo(algos, nullptr, 0), 1u);
  algos[1].workspaceSize = 512;
  EXPECT_FALSE(choose_cublaslt_algo(algos, nullptr, 32).has_value());
  EXPECT_EQ(pointer_alignment(reinterpret_cast<const void*>(uintptr_t{0x1000})), 256u);
  EXPECT_EQ(pointer_alignment(reinterpret_cast<const void*>(uintptr_t{0x1006})), 2u);
}

}  // namespace
}  // namespace fovea::cuda

#endif  // FOVEA_HAVE_CUDA
