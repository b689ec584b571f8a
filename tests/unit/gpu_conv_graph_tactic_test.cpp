// Host-side logic of the cuDNN graph-API conv tactic (no GPU needed): engine-configuration ids in
// tactic names and ids (round trip, old ids unchanged, tampered ones refused), the pointwise chain
// that stands for FusedConv's epilogue (evaluated here and compared with the activation math the
// other kernels use), graph tensor strides, pointer alignment and when the family applies.
#ifdef FOVEA_HAVE_CUDA

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>

#include "backends/cuda/conv_tactic_id.h"
#include "backends/cuda/cudnn_fused_conv_graph.h"
#include "backends/cuda/fused_conv_epilogue_steps.h"
#include "backends/cuda/kernels/activation_math.h"

namespace fovea::cuda {
namespace {

using kernels::Activation;
using kernels::ActivationParams;

TEST(GpuConvGraphTactic, EngineConfigIdRoundTrips) {
  const CudnnEngineConfigId id{12, {{2, 3}, {14, -1}, {25, 0}}};
  EXPECT_EQ(id.to_string(), "engine12:k2=3,k14=-1,k25=0");
  auto back = CudnnEngineConfigId::parse(id.to_string());
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, id);
  const CudnnEngineConfigId bare{7, {}};
  EXPECT_EQ(bare.to_string(), "engine7");
  EXPECT_EQ(CudnnEngineConfigId::parse("engine7"), bare);
}

TEST(GpuConvGraphTactic, MalformedEngineConfigIdsAreRefused) {
  for (const char* bad : {"", "engine", "engine-1", "engine1:", "engine1:k2", "engine1:k=3", "engine1:x2=3",
                          "engine1:k2=3,", "engine1:k3=1,k2=1", "engine1:k2=1,k2=2", "engine01", "engine1:k2=+3",
                          "engine1:k2=3 ", "engine99999999999999999999", "eng1", "engine1;k2=3"}) {
    EXPECT_FALSE(CudnnEngineConfigId::parse(bad).has_value()) << bad;
  }
}

TEST(GpuConvGraphTactic, GraphTacticsRoundTripThroughNameAndId) {
  ConvTacticChoice c;
  c.graph = CudnnEngineConfigId{42, {{1, 2}, {13, 5}}};
  const Tactic t{conv_tactic_name(c, false), encode_conv_tactic(c), 1024};
  EXPECT_EQ(t.name, "cudnn-graph:engine42:k1=2,k13=5");
  EXPECT_TRUE(t.id & kCudnnGraphTacticFlag);
  EXPECT_EQ((t.id >> 24) & 0xffff, 42);
  auto d = decode_conv_tactic(t, 8);
  ASSERT_TRUE(d.has_value());
  ASSERT_TRUE(d->graph.has_value());
  EXPECT_EQ(*d->graph, *c.graph);
  EXPECT_FALSE(d->depthwise);
  // Another knob value gives another id (so timing caches and plans keep them apart).
  ConvTacticChoice other;
  other.graph = CudnnEngineConfigId{42, {{1, 2}, {13, 6}}};
  EXPECT_NE(encode_conv_tactic(other), t.id);
}

TEST(GpuConvGraphTactic, TamperedGraphTacticsDecodeToNothing) {
  ConvTacticChoice c;
  c.graph = CudnnEngineConfigId{3, {{2, 1}}};
  const Tactic good{conv_tactic_name(c, false), encode_conv_tactic(c), 0};
  EXPECT_FALSE(decode_conv_tactic(Tactic{"cudnn-graph:engine3:k2=2", good.id, 0}, 8).has_value());  // name changed
  EXPECT_FALSE(decode_conv_tactic(Tactic{good.name, good.id ^ 1, 0}, 8).has_value());              // id changed
  EXPECT_FALSE(decode_conv_tactic(Tactic{"cudnn:engine3:k2=1", good.id, 0}, 8).has_value());        // prefix
  EXPECT_FALSE(decode_conv_tactic(Tactic{"cudnn-graph:", kCudnnGraphTacticFlag, 0}, 8).has_value());
}

TEST(GpuConvGraphTactic, OlderTacticIdsKeepTheirMeaning) {
  const ConvTacticChoice legacy{.algo = 6, .math = 1, .fused = true};
  const int64_t id = encode_conv_tactic(legacy);
  EXPECT_EQ(id, 6 | 1 << 8 | 1 << 16);  // the encoding plans and timing caches already hold
  auto d = decode_conv_tactic(Tactic{conv_tactic_name(legacy, false), id, 0}, 8);
  ASSERT_TRUE(d.has_value());
  EXPECT_FALSE(d->graph.has_value());
  EXPECT_EQ(d->algo, 6);
  EXPECT_TRUE(d->fused);
  EXPECT_EQ(encode_conv_tactic(ConvTacticChoice{.depthwise = true}), kDepthwiseTacticId);
  EXPECT_LT(kDepthwiseTacticId, kCudnnGraphTacticFlag);
}

// Evaluates the chain the way cuDNN's pointwise modes define it.
float evaluate(const std::vector<EpilogueStep>& steps, float conv, float bias, float residual) {
  std::vector<float> v = {conv};
  for (const EpilogueStep& s : steps) {
    const float a = v.at(static_cast<size_t>(s.input));
    float b = 0.f;
    switch (s.b.kind) {
      case EpilogueOperand::Kind::kNone: break;
      case EpilogueOperand::Kind::kValue: b = v.at(static_cast<size_t>(s.b.value)); break;
      case EpilogueOperand::Kind::kBias: b = bias; break;
      case EpilogueOperand::Kind::kResidual: b = residual; break;
      case EpilogueOperand::Kind::kScalar: b = s.b.scalar; break;
    }
    EXPECT_EQ(epilogue_op_is_binary(s.op), s.b.kind != EpilogueOperand::Kind::kNone);
    float r = 0.f;
    switch (s.op) {
      case EpilogueOp::kAdd: r = a + b; break;
      case EpilogueOp::kMul: r = a * b; break;
      case EpilogueOp::kMax: r = std::fmax(a, b); break;
      case EpilogueOp::kMin: r = std::fmin(a, b); break;
      case EpilogueOp::kRelu: r = std::fmax(a, 0.f); break;
      case EpilogueOp::kSigmoid: r = 1.f / (1.f + std::exp(-a)); break;
      case EpilogueOp::kSwish: r = a / (1.f + std::exp(-a)); break;
      case EpilogueOp::kTanh: r = std::tanh(a); break;
    }
    v.push_back(r);
  }
  return v.back();
}

TEST(GpuConvGraphTactic, EpilogueChainMatchesTheActivationMath) {
  const float inf = std::numeric_limits<float>::infinity();
  const ActivationParams acts[] = {
      {Activation::kNone, 0, 0},          {Activation::kRelu, 0, 0},          {Activation::kLeakyRelu, 0.1f, 0},
      {Activation::kLeakyRelu, 1.5f, 0},  {Activation::kLeakyRelu, -0.5f, 0}, {Activation::kSigmoid, 0, 0},
      {Activation::kSiLU, 0, 0},          {Activation::kHardSwish, 0, 0},     {Activation::kHardSigmoid, 0.2f, 0.5f},
      {Activation::kClip, -1.f, 2.f},     {Activation::kClip, 0.f, 6.f},      {Activation::kClip, -inf, 6.f},
      {Activation::kClip, 0.f, inf},      {Activation::kClip, -inf, inf},     {Activation::kTanh, 0, 0},
  };
  const float bias = 0.375f, residual = -0.625f;
  for (const ActivationParams& a : acts) {
    for (int mode = 0; mode < 4; ++mode) {  // no residual, before, after; and no bias
      const bool has_bias = mode != 3, has_residual = mode == 1 || mode == 2, after = mode == 2;
      const auto steps = fused_conv_epilogue_steps(a, has_bias, has_residual, after);
      for (float x = -8.f; x <= 8.f; x += 0.0625f) {
        float pre = x + (has_bias ? bias : 0.f) + (has_residual && !after ? residual : 0.f);
        float want = kernels::apply_activation(a, pre) + (has_residual && after ? residual : 0.f);
        const float got = evaluate(steps, x, bias, residual);
        ASSERT_NEAR(got, want, 1e-5f * std::max(1.f, std::abs(want)))
            << "activation " << static_cast<int>(a.kind) << " alpha " << a.alpha << " beta " << a.beta << " mode "
            << mode << " x " << x;
      }
    }
  }
  // Nothing to do: no step; HardSwish is composed, SiLU is one SWISH step.
  EXPECT_TRUE(fused_conv_epilogue_steps({}, false, false, false).empty());
  EXPECT_EQ(fused_conv_epilogue_steps({Activation::kSiLU, 0, 0}, true, false, false).size(), 2u);
  EXPECT_TRUE(fused_conv_epilogue_steps({Activation::kClip, -inf, inf}, false, false, false).empty());
}

TEST(GpuConvGraphTactic, TensorStridesPerLayout) {
  EXPECT_EQ(graph_tensor_strides({2, 3, 4, 5}, false), (std::vector<int64_t>{60, 20, 5, 1}));
  EXPECT_EQ(graph_tensor_strides({2, 3, 4, 5}, true), (std::vector<int64_t>{60, 1, 15, 3}));
  EXPECT_EQ(graph_tensor_strides({1, 8, 1, 1}, true), (std::vector<int64_t>{8, 1, 8, 8}));  // the bias
  EXPECT_EQ(graph_tensor_strides({16, 4, 3, 3}, true), (std::vector<int64_t>{36, 1, 12, 4}));  // KRSC filter
}

TEST(GpuConvGraphTactic, PointerAlignment) {
  EXPECT_EQ(pointer_alignment({reinterpret_cast<const void*>(256), nullptr}), 16);
  EXPECT_EQ(pointer_alignment({reinterpret_cast<const void*>(256), reinterpret_cast<const void*>(264)}), 8);
  EXPECT_EQ(pointer_alignment({reinterpret_cast<const void*>(258)}), 2);
  EXPECT_EQ(pointer_alignment({}), 16);
}

TEST(GpuConvGraphTactic, SpecOnlyWhereTheFamilyApplies) {
  CudnnConvShape shape;
  shape.nhwc = true;
  shape.x = {1, 16, 8, 8}, shape.w = {32, 16, 3, 3}, shape.y = {1, 32, 8, 8};
  shape.pads = {1, 1}, shape.strides = {1, 1}, shape.dilations = {1, 1};
  const ActivationParams silu{Activation::kSiLU, 0, 0};
  auto spec = make_fused_conv_graph_spec(shape, 1, DType::kFloat16, silu, true, false, false, 16);
  ASSERT_TRUE(spec.has_value());
  EXPECT_EQ(spec->pads, (std::vector<int64_t>{1, 1}));
  EXPECT_FALSE(make_fused_conv_graph_spec(shape, 2, DType::kFloat16, silu, true, false, false, 16));  // grouped
  EXPECT_FALSE(make_fused_conv_graph_spec(shape, 1, DType::kInt32, silu, true, false, false, 16));
  EXPECT_FALSE(make_fused_conv_graph_spec(shape, 1, DType::kFloat16, {}, false, false, false, 16));  // nothing to fuse
  // The cache key tells apart what changes the graph.
  auto other = make_fused_conv_graph_spec(shape, 1, DType::kFloat16, silu, true, true, true, 16);
  auto aligned8 = make_fused_conv_graph_spec(shape, 1, DType::kFloat16, silu, true, false, false, 8);
  EXPECT_NE(spec->key(), other->key());
  EXPECT_NE(spec->key(), aligned8->key());
  EXPECT_EQ(spec->key(), make_fused_conv_graph_spec(shape, 1, DType::kFloat16, silu, true, false, false, 16)->key());
}

TEST(GpuConvGraphTactic, CandidateLimitFromTheEnvironment) {
  unsetenv("FOVEA_CUDNN_GRAPH_CANDIDATES");
  EXPECT_EQ(fused_conv_graph_candidate_limit(), 3);
  setenv("FOVEA_CUDNN_GRAPH_CANDIDATES", "0", 1);
  EXPECT_EQ(fused_conv_graph_candidate_limit(), 0);
  setenv("FOVEA_CUDNN_GRAPH_CANDIDATES", "5", 1);
  EXPECT_EQ(fused_conv_graph_candidate_limit(), 5);
  setenv("FOVEA_CUDNN_GRAPH_CANDIDATES", "five", 1);
  EXPECT_EQ(fused_conv_graph_candidate_limit(), 3);
  unsetenv("FOVEA_CUDNN_GRAPH_CANDIDATES");
}

}  // namespace
}  // namespace fovea::cuda

#endif  // FOVEA_HAVE_CUDA
