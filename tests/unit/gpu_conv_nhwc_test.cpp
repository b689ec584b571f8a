// Host-side logic of the NHWC GPU paths (no GPU needed): fovea.FusedConv's layout "NHWC" in the
// conv geometry and its cuDNN view, the descriptors' strides, the staged-input copy, the epilogue
// and depthwise launcher params, and fovea.MaxPool's NHWC params and table entry.
#ifdef FOVEA_HAVE_CUDA

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "backends/cuda/conv_geometry.h"
#include "backends/cuda/conv_launch_params.h"
#include "backends/cuda/gpu_kernel.h"
#include "backends/cuda/max_pool_nhwc_op.h"

namespace fovea::cuda {
namespace {

// A node with the given attributes.
struct TestNode {
  Graph graph;
  Node* node;
  TestNode(const std::string& op, std::vector<Attribute> attrs, const std::string& domain = "fovea") {
    node = graph.add_node("n", op);
    node->domain = domain;
    node->attributes = std::move(attrs);
  }
};

Attribute nhwc() { return {"layout", std::string("NHWC")}; }

TEST(GpuConvNhwc, ProblemReadsChannelsLastDims) {
  TestNode t("FusedConv", {nhwc(), {"pads", Dims{1, 1, 1, 1}}, {"strides", Dims{2, 2}}});
  auto p = make_conv_problem(*t.node, false, {2, 16, 12, 8}, {4, 3, 3, 8});  // X NHWC, W KRSC
  ASSERT_TRUE(p.is_ok()) << p.status().to_string();
  EXPECT_TRUE(p->nhwc);
  EXPECT_EQ(p->batch, 2);
  EXPECT_EQ(p->in_channels, 8);
  EXPECT_EQ(p->out_channels, 4);
  EXPECT_EQ(p->in, (Dims{16, 12}));
  EXPECT_EQ(p->kernel, (Dims{3, 3}));
  EXPECT_EQ(p->out, (Dims{8, 6}));
  EXPECT_EQ(conv_output_dims(*p), (Dims{2, 8, 6, 4}));
}

TEST(GpuConvNhwc, KernelShapeComesFromTheKrscWeight) {
  TestNode t("FusedConv", {nhwc()});
  auto p = make_conv_problem(*t.node, false, {1, 10, 10, 6}, {2, 3, 5, 6});
  ASSERT_TRUE(p.is_ok()) << p.status().to_string();
  EXPECT_EQ(p->kernel, (Dims{3, 5}));
  EXPECT_EQ(conv_output_dims(*p), (Dims{1, 8, 6, 2}));
}

TEST(GpuConvNhwc, NchwIsTheDefaultAndUnchanged) {
  TestNode absent("Conv", {}, "");
  auto p = make_conv_problem(*absent.node, false, {1, 8, 16, 16}, {4, 8, 3, 3});
  ASSERT_TRUE(p.is_ok());
  EXPECT_FALSE(p->nhwc);
  EXPECT_EQ(conv_output_dims(*p), (Dims{1, 4, 14, 14}));
  TestNode explicit_nchw("FusedConv", {{"layout", std::string("NCHW")}});
  auto q = make_conv_problem(*explicit_nchw.node, false, {1, 8, 16, 16}, {4, 8, 3, 3});
  ASSERT_TRUE(q.is_ok());
  EXPECT_FALSE(q->nhwc);
}

TEST(GpuConvNhwc, BadLayoutsAreErrorsNamingTheNode) {
  TestNode bad("FusedConv", {{"layout", std::string("NWHC")}});
  auto p = make_conv_problem(*bad.node, false, {1, 8, 8, 4}, {4, 3, 3, 4});
  ASSERT_FALSE(p.is_ok());
  EXPECT_NE(p.status().message().find("'n'"), std::string::npos) << p.status().message();
  EXPECT_NE(p.status().message().find("NWHC"), std::string::npos);

  TestNode one_d("FusedConv", {nhwc()});
  EXPECT_FALSE(make_conv_problem(*one_d.node, false, {1, 8, 4}, {4, 3, 4}).is_ok());
  TestNode three_d("FusedConv", {nhwc()});
  EXPECT_FALSE(make_conv_problem(*three_d.node, false, {1, 4, 4, 4, 2}, {2, 3, 3, 3, 2}).is_ok());
  TestNode transposed("ConvTranspose", {nhwc()}, "");
  EXPECT_FALSE(make_conv_problem(*transposed.node, true, {1, 8, 8, 4}, {4, 3, 3, 4}).is_ok());
  // W's last dim is C / group: 4 != 8 with group 1.
  TestNode mismatch("FusedConv", {nhwc()});
  EXPECT_FALSE(make_conv_problem(*mismatch.node, false, {1, 8, 8, 8}, {4, 3, 3, 4}).is_ok());
  TestNode wrong_type("FusedConv", {{"layout", int64_t{1}}});
  EXPECT_FALSE(make_conv_problem(*wrong_type.node, false, {1, 8, 8, 4}, {4, 3, 3, 4}).is_ok());
}

TEST(GpuConvNhwc, CudnnShapeKeepsNchwOrderedDims) {
  TestNode t("FusedConv", {nhwc(), {"pads", Dims{1, 1, 1, 1}}, {"group", int64_t{2}}});
  auto p = make_conv_problem(*t.node, false, {1, 7, 9, 8}, {6, 3, 3, 4});
  ASSERT_TRUE(p.is_ok()) << p.status().to_string();
  auto s = cudnn_conv_shape(*t.node, *p);
  ASSERT_TRUE(s.is_ok()) << s.status().to_string();
  EXPECT_TRUE(s->nhwc);
  EXPECT_FALSE(s->staged);
  EXPECT_EQ(s->x, (Dims{1, 8, 7, 9}));
  EXPECT_EQ(s->w, (Dims{6, 4, 3, 3}));
  EXPECT_EQ(s->y, (Dims{1, 6, 7, 9}));
  EXPECT_EQ(s->pads, (std::vector<int>{1, 1}));
}

TEST(GpuConvNhwc, TensorStridesPerLayout) {
  EXPECT_EQ(cudnn_tensor_strides({2, 3, 4, 5}, false), (std::vector<int>{60, 20, 5, 1}));
  // NHWC: C innermost, then W, H, N.
  EXPECT_EQ(cudnn_tensor_strides({2, 3, 4, 5}, true), (std::vector<int>{60, 1, 15, 3}));
  // The bias [1, K, 1, 1]: K contiguous values either way.
  EXPECT_EQ(cudnn_tensor_strides({1, 16, 1, 1}, false), (std::vector<int>{16, 1, 1, 1}));
  EXPECT_EQ(cudnn_tensor_strides({1, 16, 1, 1}, true), (std::vector<int>{16, 1, 16, 16}));
}

TEST(GpuConvNhwc, AsymmetricPadsStageAPaddedNhwcInput) {
  // pads: top 1, left 0, bottom 2, right 1.
  TestNode t("FusedConv", {nhwc(), {"pads", Dims{1, 0, 2, 1}}});
  auto p = make_conv_problem(*t.node, false, {2, 8, 6, 3}, {5, 3, 3, 3});
  ASSERT_TRUE(p.is_ok()) << p.status().to_string();
  EXPECT_EQ(conv_output_dims(*p), (Dims{2, 9, 5, 5}));  // (8 + 3 - 3) + 1, (6 + 1 - 3) + 1
  auto s = cudnn_conv_shape(*t.node, *p);
  ASSERT_TRUE(s.is_ok()) << s.status().to_string();
  EXPECT_TRUE(s->staged);
  EXPECT_EQ(s->x, (Dims{2, 3, 11, 7}));
  EXPECT_EQ(s->unstaged_x, (Dims{2, 3, 8, 6}));
  EXPECT_EQ(s->pads, (std::vector<int>{0, 0}));
  EXPECT_EQ(staged_bytes(*s, 2), size_t{2 * 11 * 7 * 3 * 2});
  const kernels::WindowCopyParams cp = conv_input_staging_copy(*s);
  EXPECT_EQ(cp.planes, 2);
  ASSERT_EQ(cp.rank, 3);
  EXPECT_EQ((Dims{cp.src_dims[0], cp.src_dims[1], cp.src_dims[2]}), (Dims{8, 6, 3}));
  EXPECT_EQ((Dims{cp.dst_dims[0], cp.dst_dims[1], cp.dst_dims[2]}), (Dims{11, 7, 3}));
  EXPECT_EQ((Dims{cp.offset[0], cp.offset[1], cp.offset[2]}), (Dims{-1, 0, 0}));
}

TEST(GpuConvNhwc, NchwStagingCopyIsPerPlane) {
  TestNode t("Conv", {{"pads", Dims{1, 0, 2, 1}}}, "");
  auto p = make_conv_problem(*t.node, false, {2, 3, 8, 6}, {5, 3, 3, 3});
  ASSERT_TRUE(p.is_ok());
  auto s = cudnn_conv_shape(*t.node, *p);
  ASSERT_TRUE(s.is_ok());
  ASSERT_TRUE(s->staged);
  EXPECT_FALSE(s->nhwc);
  const kernels::WindowCopyParams cp = conv_input_staging_copy(*s);
  EXPECT_EQ(cp.planes, 6);
  ASSERT_EQ(cp.rank, 2);
  EXPECT_EQ((Dims{cp.src_dims[0], cp.src_dims[1]}), (Dims{8, 6}));
  EXPECT_EQ((Dims{cp.dst_dims[0], cp.dst_dims[1]}), (Dims{11, 7}));
  EXPECT_EQ((Dims{cp.offset[0], cp.offset[1]}), (Dims{-1, 0}));
}

// The channel the epilogue kernel gives flat element i: (i / inner) % channels.
int64_t epilogue_channel(const kernels::BiasActivationParams& p, int64_t i) {
  return (i / p.inner) % p.channels * p.bias_channel_stride;
}

TEST(GpuConvNhwc, EpilogueSeesTheChannelInnermost) {
  const kernels::ActivationParams relu{kernels::Activation::kRelu, 0.f, 0.f};
  const kernels::BiasActivationParams p = conv_epilogue_params(true, {2, 4, 3, 6}, relu, true);
  EXPECT_EQ(p.outer, 24);
  EXPECT_EQ(p.channels, 6);
  EXPECT_EQ(p.inner, 1);
  EXPECT_EQ(p.bias_outer_stride, 0);
  EXPECT_EQ(p.bias_channel_stride, 1);
  EXPECT_EQ(p.bias_inner_stride, 0);
  EXPECT_EQ(p.activation.kind, kernels::Activation::kRelu);
  EXPECT_TRUE(p.residual_after_activation);
  for (int64_t i = 0; i < 2 * 4 * 3 * 6; ++i) ASSERT_EQ(epilogue_channel(p, i), i % 6) << i;

  const kernels::BiasActivationParams q = conv_epilogue_params(false, {2, 6, 4, 3}, relu, false);
  EXPECT_EQ(q.outer, 2);
  EXPECT_EQ(q.channels, 6);
  EXPECT_EQ(q.inner, 12);
  for (int64_t i = 0; i < 2 * 6 * 12; ++i) ASSERT_EQ(epilogue_channel(q, i), (i / 12) % 6) << i;

  const kernels::BiasActivationParams empty = conv_epilogue_params(true, {0, 4, 4, 6}, relu, false);
  EXPECT_EQ(empty.outer * empty.channels * empty.inner, 0);
}

TEST(GpuConvNhwc, DepthwiseAppliesAndGetsItsSizes) {
  TestNode t("FusedConv", {nhwc(), {"group", int64_t{8}}, {"pads", Dims{1, 2, 1, 2}}, {"strides", Dims{2, 1}},
                           {"dilations", Dims{1, 2}}});
  auto p = make_conv_problem(*t.node, false, {1, 9, 10, 8}, {8, 3, 3, 1});
  ASSERT_TRUE(p.is_ok()) << p.status().to_string();
  EXPECT_TRUE(depthwise_applies(*p));
  const kernels::DepthwiseConvParams d = depthwise_conv_params(*p, {}, false);
  EXPECT_EQ(d.batch, 1);
  EXPECT_EQ(d.in_channels, 8);
  EXPECT_EQ(d.out_channels, 8);
  EXPECT_EQ(d.in_h, 9);
  EXPECT_EQ(d.in_w, 10);
  EXPECT_EQ(d.out_h, 5);   // (9 + 2 - 3) / 2 + 1
  EXPECT_EQ(d.out_w, 10);  // 10 + 4 - 5 + 1
  EXPECT_EQ(d.kernel_h, 3);
  EXPECT_EQ(d.kernel_w, 3);
  EXPECT_EQ(d.stride_h, 2);
  EXPECT_EQ(d.stride_w, 1);
  EXPECT_EQ(d.dilation_h, 1);
  EXPECT_EQ(d.dilation_w, 2);
  EXPECT_EQ(d.pad_top, 1);
  EXPECT_EQ(d.pad_left, 2);
  EXPECT_EQ(conv_output_dims(*p), (Dims{1, 5, 10, 8}));

  TestNode multiplier("FusedConv", {nhwc(), {"group", int64_t{4}}});
  auto q = make_conv_problem(*multiplier.node, false, {1, 5, 5, 4}, {8, 3, 3, 1});
  ASSERT_TRUE(q.is_ok()) << q.status().to_string();
  EXPECT_TRUE(depthwise_applies(*q));
  EXPECT_EQ(depthwise_conv_params(*q, {}, false).out_channels, 8);
}

TEST(GpuMaxPoolNhwc, ParamsFromTheWindowAttributes) {
  TestNode t("MaxPool", {nhwc(), {"kernel_shape", Dims{3, 3}}, {"strides", Dims{2, 2}}, {"pads", Dims{1, 1, 1, 1}}});
  auto p = max_pool_nhwc_params(*t.node, {2, 9, 7, 16}, {2, 5, 4, 16});
  ASSERT_TRUE(p.is_ok()) << p.status().to_string();
  EXPECT_EQ(p->batch, 2);
  EXPECT_EQ(p->channels, 16);
  EXPECT_EQ(p->in_h, 9);
  EXPECT_EQ(p->in_w, 7);
  EXPECT_EQ(p->out_h, 5);
  EXPECT_EQ(p->out_w, 4);
  EXPECT_EQ(p->kernel_h, 3);
  EXPECT_EQ(p->stride_w, 2);
  EXPECT_EQ(p->dilation_h, 1);
  EXPECT_EQ(p->pad_top, 1);
  EXPECT_EQ(p->pad_left, 1);
}

TEST(GpuMaxPoolNhwc, CeilModeDilationsAndAutoPadGiveTheOutputDims) {
  TestNode ceil("MaxPool", {nhwc(), {"kernel_shape", Dims{3, 3}}, {"strides", Dims{2, 2}}, {"ceil_mode", int64_t{1}}});
  EXPECT_TRUE(max_pool_nhwc_params(*ceil.node, {1, 8, 8, 2}, {1, 4, 4, 2}).is_ok());
  EXPECT_FALSE(max_pool_nhwc_params(*ceil.node, {1, 8, 8, 2}, {1, 3, 3, 2}).is_ok());  // floor's dims
  TestNode dilated("MaxPool", {nhwc(), {"kernel_shape", Dims{2, 2}}, {"dilations", Dims{2, 3}}});
  auto d = max_pool_nhwc_params(*dilated.node, {1, 8, 8, 1}, {1, 6, 5, 1});
  ASSERT_TRUE(d.is_ok()) << d.status().to_string();
  EXPECT_EQ(d->dilation_w, 3);
  TestNode same("MaxPool", {nhwc(), {"kernel_shape", Dims{2, 2}}, {"strides", Dims{2, 2}},
                            {"auto_pad", std::string("SAME_LOWER")}});
  auto s = max_pool_nhwc_params(*same.node, {1, 5, 5, 3}, {1, 3, 3, 3});
  ASSERT_TRUE(s.is_ok()) << s.status().to_string();
  EXPECT_EQ(s->pad_top, 1);  // total pad 1, SAME_LOWER puts it first
}

TEST(GpuMaxPoolNhwc, BadNodesAreErrors) {
  TestNode no_layout("MaxPool", {{"kernel_shape", Dims{2, 2}}});
  EXPECT_FALSE(max_pool_nhwc_params(*no_layout.node, {1, 4, 4, 2}, {1, 3, 3, 2}).is_ok());
  TestNode nchw("MaxPool", {{"layout", std::string("NCHW")}, {"kernel_shape", Dims{2, 2}}});
  EXPECT_FALSE(max_pool_nhwc_params(*nchw.node, {1, 4, 4, 2}, {1, 3, 3, 2}).is_ok());
  TestNode t("MaxPool", {nhwc(), {"kernel_shape", Dims{2, 2}}});
  EXPECT_TRUE(max_pool_nhwc_params(*t.node, {1, 4, 4, 2}, {1, 3, 3, 2}).is_ok());
  EXPECT_FALSE(max_pool_nhwc_params(*t.node, {1, 4, 4, 2, 1}, {1, 3, 3, 2, 1}).is_ok());
  EXPECT_FALSE(max_pool_nhwc_params(*t.node, {1, 4, 2}, {1, 3, 2}).is_ok());
  auto wrong = max_pool_nhwc_params(*t.node, {1, 4, 4, 2}, {1, 3, 3, 4});
  ASSERT_FALSE(wrong.is_ok());
  EXPECT_NE(wrong.status().message().find("'n'"), std::string::npos) << wrong.status().message();
  TestNode no_kernel("MaxPool", {nhwc()});
  EXPECT_FALSE(max_pool_nhwc_params(*no_kernel.node, {1, 4, 4, 2}, {1, 3, 3, 2}).is_ok());
  TestNode huge_pads("MaxPool", {nhwc(), {"kernel_shape", Dims{2, 2}}, {"pads", Dims{1 << 24, 0, 1 << 24, 0}}});
  const int64_t h = 2147483000;  // fits int32, but not with its pads
  auto huge = max_pool_nhwc_params(*huge_pads.node, {1, h, 4, 2}, {1, h + (int64_t{2} << 24) - 1, 3, 2});
  ASSERT_FALSE(huge.is_ok());
  EXPECT_NE(huge.status().message().find("int32"), std::string::npos) << huge.status().message();
}

TEST(GpuMaxPoolNhwc, IsInTheGpuTable) {
  const GpuKernelEntry* e = find_gpu_kernel("fovea", "MaxPool");
  ASSERT_NE(e, nullptr);
  EXPECT_NE(e->run, nullptr);
  EXPECT_EQ(e->tactics, nullptr);
  EXPECT_FALSE(e->data_dependent);
  EXPECT_NE(find_gpu_kernel("", "MaxPool"), e);  // ONNX MaxPool keeps its NCHW kernel
  ASSERT_NE(find_gpu_kernel("fovea", "FusedConv"), nullptr);
}

}  // namespace
}  // namespace fovea::cuda

#endif  // FOVEA_HAVE_CUDA
