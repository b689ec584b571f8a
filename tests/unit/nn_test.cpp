// nn ops through run_node (shape function + CPU kernel): Conv / ConvTranspose against naive
// loops, Gemm transposes, MatMul broadcasting, pooling with ceil_mode and pads, normalization,
// Einsum, and errors on invalid input.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "backends/cpu/cpu_executor.h"
#include "ir/graph.h"
#include "single_op.h"

namespace fovea {
namespace {

using testing::run1;
using testing::run_op;

Tensor random_tensor(Dims dims, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(element_count(dims)));
  for (float& x : v) x = u(rng);
  return Tensor::from_vector(v, dims);
}

void expect_near(const Tensor& a, const std::vector<float>& b, float tol = 1e-4f) {
  ASSERT_EQ(a.numel(), static_cast<int64_t>(b.size()));
  for (size_t i = 0; i < b.size(); ++i) EXPECT_NEAR(a.data<float>()[i], b[i], tol) << "at " << i;
}

struct ConvCase {
  int64_t n, c, h, w, m, kh, kw, group, sh, sw, dh, dw, pt, pl, pb, pr;
};

// Naive 2-D convolution, the reference for im2col + GEMM and the depthwise path.
std::vector<float> naive_conv(const Tensor& x, const Tensor& w, const Tensor& b, const ConvCase& p, int64_t oh,
                              int64_t ow) {
  std::vector<float> y(static_cast<size_t>(p.n * p.m * oh * ow));
  const int64_t cg = p.c / p.group, mg = p.m / p.group;
  for (int64_t n = 0; n < p.n; ++n)
    for (int64_t m = 0; m < p.m; ++m)
      for (int64_t oy = 0; oy < oh; ++oy)
        for (int64_t ox = 0; ox < ow; ++ox) {
          double acc = b.data<float>()[m];
          const int64_t g = m / mg;
          for (int64_t ci = 0; ci < cg; ++ci)
            for (int64_t i = 0; i < p.kh; ++i)
              for (int64_t j = 0; j < p.kw; ++j) {
                const int64_t yy = oy * p.sh - p.pt + i * p.dh, xx = ox * p.sw - p.pl + j * p.dw;
                if (yy < 0 || yy >= p.h || xx < 0 || xx >= p.w) continue;
                acc += x.data<float>()[((n * p.c + g * cg + ci) * p.h + yy) * p.w + xx] *
                       w.data<float>()[((m * cg + ci) * p.kh + i) * p.kw + j];
              }
          y[((n * p.m + m) * oh + oy) * ow + ox] = static_cast<float>(acc);
        }
  return y;
}

TEST(NnTest, ConvMatchesNaiveLoop) {
  const std::vector<ConvCase> cases = {
      {1, 3, 7, 9, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},   // same-size 3x3
      {2, 4, 8, 8, 6, 3, 3, 2, 2, 2, 1, 1, 1, 0, 0, 1},   // groups, stride, asymmetric pads
      {1, 3, 9, 10, 2, 3, 2, 1, 1, 2, 2, 1, 2, 0, 1, 1},  // dilation
      {1, 8, 6, 6, 8, 3, 3, 8, 1, 1, 1, 1, 1, 1, 1, 1},   // depthwise
      {1, 4, 6, 5, 8, 3, 3, 4, 2, 1, 1, 2, 1, 2, 0, 1},   // depthwise with multiplier 2
      {1, 5, 4, 6, 7, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0},   // pointwise (plain GEMM)
      {1, 3, 66, 70, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},  // large enough for the tiled path
      {2, 4, 130, 90, 6, 3, 3, 2, 2, 2, 1, 1, 1, 1, 0, 0}, // tiled, strided, grouped
      {1, 2, 100, 80, 3, 3, 5, 1, 1, 1, 3, 2, 2, 4, 1, 0}, // tiled, dilated, asymmetric pads
      {1, 3, 21, 37, 5, 3, 3, 1, 2, 2, 1, 1, 0, 1, 1, 0},  // stride 2, odd width: vector gather tail
  };
  uint32_t seed = 1;
  for (const ConvCase& p : cases) {
    const Tensor x = random_tensor({p.n, p.c, p.h, p.w}, seed++);
    const Tensor w = random_tensor({p.m, p.c / p.group, p.kh, p.kw}, seed++);
    const Tensor b = random_tensor({p.m}, seed++);
    const Tensor y = run1("Conv", {&x, &w, &b},
                          {{"group", p.group}, {"strides", Dims{p.sh, p.sw}}, {"dilations", Dims{p.dh, p.dw}},
                           {"pads", Dims{p.pt, p.pl, p.pb, p.pr}}});
    const int64_t oh = (p.h + p.pt + p.pb - ((p.kh - 1) * p.dh + 1)) / p.sh + 1;
    const int64_t ow = (p.w + p.pl + p.pr - ((p.kw - 1) * p.dw + 1)) / p.sw + 1;
    ASSERT_EQ(y.dims(), (Dims{p.n, p.m, oh, ow}));
    expect_near(y, naive_conv(x, w, b, p, oh, ow));
  }
}

TEST(NnTest, Conv1dAndAutoPadSameUpper) {
  const Tensor x = Tensor::from_vector<float>({1, 2, 3, 4, 5}, {1, 1, 5});
  const Tensor w = Tensor::from_vector<float>({1, 1, 1}, {1, 1, 3});
  const Tensor y = run1("Conv", {&x, &w}, {{"auto_pad", std::string("SAME_UPPER")}, {"strides", Dims{2}}});
  // out = ceil(5/2) = 3; total pad = (3-1)*2 + 3 - 5 = 2 -> 1 each side.
  EXPECT_EQ(y.dims(), (Dims{1, 1, 3}));
  expect_near(y, {3, 9, 9});
}

TEST(NnTest, ConvTransposeStridedMatchesScatter) {
  // 1 input channel, 2 output channels, stride 2, pads 1: compare with a direct scatter loop.
  const Tensor x = random_tensor({1, 1, 3, 3}, 7);
  const Tensor w = random_tensor({1, 2, 3, 3}, 8);
  const Tensor y = run1("ConvTranspose", {&x, &w}, {{"strides", Dims{2, 2}}, {"pads", Dims{1, 1, 1, 1}}});
  ASSERT_EQ(y.dims(), (Dims{1, 2, 5, 5}));
  std::vector<float> ref(2 * 7 * 7, 0.0f);
  for (int m = 0; m < 2; ++m)
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j)
        for (int a = 0; a < 3; ++a)
          for (int b = 0; b < 3; ++b)
            ref[(m * 7 + i * 2 + a) * 7 + j * 2 + b] += x.data<float>()[i * 3 + j] * w.data<float>()[(m * 3 + a) * 3 + b];
  std::vector<float> cropped;
  for (int m = 0; m < 2; ++m)
    for (int i = 1; i < 6; ++i)
      for (int j = 1; j < 6; ++j) cropped.push_back(ref[(m * 7 + i) * 7 + j]);
  expect_near(y, cropped);
}

TEST(NnTest, GemmTransposesAlphaBetaAndBias) {
  const Tensor a = Tensor::from_vector<float>({1, 2, 3, 4, 5, 6}, {3, 2});   // A^T is 2x3
  const Tensor b = Tensor::from_vector<float>({1, 0, 1, 0, 1, 1}, {2, 3});   // B^T is 3x2
  const Tensor c = Tensor::from_vector<float>({10, 20}, {2});
  const Tensor y = run1("Gemm", {&a, &b, &c},
                        {{"transA", int64_t{1}}, {"transB", int64_t{1}}, {"alpha", 2.0f}, {"beta", 0.5f}});
  // A^T = [[1,3,5],[2,4,6]], B^T = [[1,0],[0,1],[1,1]] -> A^T B^T = [[6,8],[8,10]].
  EXPECT_EQ(y.dims(), (Dims{2, 2}));
  expect_near(y, {17, 26, 21, 30});
}

TEST(NnTest, MatMulBroadcastsBatchAndHandlesVectors) {
  const Tensor a = random_tensor({2, 1, 3, 4}, 11);
  const Tensor b = random_tensor({3, 4, 5}, 12);
  const Tensor y = run1("MatMul", {&a, &b});
  ASSERT_EQ(y.dims(), (Dims{2, 3, 3, 5}));
  std::vector<float> ref;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 5; ++c) {
          double acc = 0;
          for (int k = 0; k < 4; ++k) acc += a.data<float>()[(i * 3 + r) * 4 + k] * b.data<float>()[(j * 4 + k) * 5 + c];
          ref.push_back(static_cast<float>(acc));
        }
  expect_near(y, ref);
  const Tensor a3 = random_tensor({2, 3, 4}, 13);
  const Tensor b2 = random_tensor({4, 5}, 14);
  const Tensor y3 = run1("MatMul", {&a3, &b2});  // shared B: one stacked GEMM
  ASSERT_EQ(y3.dims(), (Dims{2, 3, 5}));
  for (int r = 0; r < 6; ++r)
    for (int c = 0; c < 5; ++c) {
      double acc = 0;
      for (int k = 0; k < 4; ++k) acc += a3.data<float>()[r * 4 + k] * b2.data<float>()[k * 5 + c];
      EXPECT_NEAR(y3.data<float>()[r * 5 + c], acc, 1e-5);
    }
  const Tensor v = Tensor::from_vector<float>({1, 2, 3}, {3});
  const Tensor m = Tensor::from_vector<float>({1, 2, 3, 4, 5, 6}, {3, 2});
  const Tensor vm = run1("MatMul", {&v, &m});
  EXPECT_EQ(vm.dims(), (Dims{2}));
  expect_near(vm, {22, 28});
  const Tensor dot = run1("MatMul", {&v, &v});
  EXPECT_EQ(dot.dims(), (Dims{}));
  expect_near(dot, {14});
  const Tensor ai = Tensor::from_vector<int64_t>({1, 2, 3, 4}, {2, 2});
  const Tensor yi = run1("MatMul", {&ai, &ai});
  EXPECT_EQ(std::vector<int64_t>(yi.values<int64_t>().begin(), yi.values<int64_t>().end()),
            (std::vector<int64_t>{7, 10, 15, 22}));
}

TEST(NnTest, MaxPoolCeilModePadsAndIndices) {
  std::vector<float> v(16);
  for (int i = 0; i < 16; ++i) v[i] = static_cast<float>(i);
  const Tensor x = Tensor::from_vector(v, {1, 1, 4, 4});
  auto r = run_op("MaxPool", {&x}, {{"kernel_shape", Dims{3, 3}}, {"strides", Dims{2, 2}}, {"ceil_mode", int64_t{1}}},
                  12, 2);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ((*r)[0].dims(), (Dims{1, 1, 2, 2}));
  expect_near((*r)[0], {10, 11, 14, 15});
  EXPECT_EQ((*r)[1].data<int64_t>()[0], 10);
  EXPECT_EQ((*r)[1].data<int64_t>()[3], 15);
  const Tensor y = run1("MaxPool", {&x}, {{"kernel_shape", Dims{2, 2}}, {"pads", Dims{1, 1, 1, 1}}, {"strides", Dims{2, 2}}});
  EXPECT_EQ(y.dims(), (Dims{1, 1, 3, 3}));
  expect_near(y, {0, 2, 3, 8, 10, 11, 12, 14, 15});
}

TEST(NnTest, AveragePoolCountIncludePad) {
  const Tensor x = Tensor::from_vector<float>({1, 2, 3, 4}, {1, 1, 2, 2});
  const Tensor ex = run1("AveragePool", {&x}, {{"kernel_shape", Dims{2, 2}}, {"pads", Dims{1, 1, 1, 1}}});
  EXPECT_EQ(ex.dims(), (Dims{1, 1, 3, 3}));
  expect_near(ex, {1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4});
  const Tensor in = run1("AveragePool", {&x},
                         {{"kernel_shape", Dims{2, 2}}, {"pads", Dims{1, 1, 1, 1}}, {"count_include_pad", int64_t{1}}});
  expect_near(in, {0.25, 0.75, 0.5, 1, 2.5, 1.5, 0.75, 1.75, 1});
  const Tensor g = run1("GlobalAveragePool", {&x});
  EXPECT_EQ(g.dims(), (Dims{1, 1, 1, 1}));
  expect_near(g, {2.5});
}

TEST(NnTest, NormalizationsMatchFormulas) {
  const Tensor x = Tensor::from_vector<float>({1, 2, 3, 4, 5, 6, 7, 8}, {1, 2, 2, 2});
  const Tensor scale = Tensor::from_vector<float>({1, 2}, {2});
  const Tensor bias = Tensor::from_vector<float>({0, 1}, {2});
  const Tensor mean = Tensor::from_vector<float>({1, 2}, {2});
  const Tensor var = Tensor::from_vector<float>({4, 1}, {2});
  const Tensor bn = run1("BatchNormalization", {&x, &scale, &bias, &mean, &var}, {{"epsilon", 0.0f}});
  expect_near(bn, {0, 0.5, 1, 1.5, 7, 9, 11, 13});
  const Tensor in = run1("InstanceNormalization", {&x, &scale, &bias}, {{"epsilon", 0.0f}});
  const float s = 1.0f / std::sqrt(1.25f);
  expect_near(in, {-1.5f * s, -0.5f * s, 0.5f * s, 1.5f * s, 1 - 3 * s, 1 - s, 1 + s, 1 + 3 * s});
  const Tensor x2 = Tensor::from_vector<float>({1, 3, 2, 6}, {2, 2});
  const Tensor g = Tensor::from_vector<float>({1, 1}, {2});
  auto ln = run_op("LayerNormalization", {&x2, &g}, {{"epsilon", 0.0f}}, 17, 3);
  ASSERT_TRUE(ln.is_ok()) << ln.status().to_string();
  expect_near((*ln)[0], {-1, 1, -1, 1});
  expect_near((*ln)[1], {2, 4});
  expect_near((*ln)[2], {1, 0.5});
  auto train = run_op("BatchNormalization", {&x, &scale, &bias, &mean, &var}, {{"training_mode", int64_t{1}}}, 15);
  EXPECT_FALSE(train.is_ok());
}

TEST(NnTest, EinsumCommonForms) {
  const Tensor a = Tensor::from_vector<float>({1, 2, 3, 4, 5, 6}, {2, 3});
  const Tensor b = Tensor::from_vector<float>({1, 0, 0, 1, 1, 1}, {3, 2});
  expect_near(run1("Einsum", {&a, &b}, {{"equation", std::string("ij,jk->ik")}}), {4, 5, 10, 11});
  const Tensor t = run1("Einsum", {&a}, {{"equation", std::string("ij->ji")}});
  EXPECT_EQ(t.dims(), (Dims{3, 2}));
  expect_near(t, {1, 4, 2, 5, 3, 6});
  expect_near(run1("Einsum", {&a}, {{"equation", std::string("ij")}}), {1, 2, 3, 4, 5, 6});
  expect_near(run1("Einsum", {&a}, {{"equation", std::string("ij->")}}), {21});
  const Tensor v = Tensor::from_vector<float>({1, 2}, {2});
  const Tensor outer = run1("Einsum", {&v, &v}, {{"equation", std::string("i,j")}});
  EXPECT_EQ(outer.dims(), (Dims{2, 2}));
  expect_near(outer, {1, 2, 2, 4});
  const Tensor sq = Tensor::from_vector<float>({1, 2, 3, 4}, {2, 2});
  expect_near(run1("Einsum", {&sq}, {{"equation", std::string("ii->i")}}), {1, 4});
  const Tensor ba = random_tensor({2, 2, 3}, 3);
  const Tensor bb = random_tensor({2, 3, 2}, 4);
  const Tensor e = run1("Einsum", {&ba, &bb}, {{"equation", std::string("...ij,...jk->...ik")}});
  const Tensor mm = run1("MatMul", {&ba, &bb});
  expect_near(e, std::vector<float>(mm.values<float>().begin(), mm.values<float>().end()));
  for (const char* bad : {"ij,jk->ikk", "ij,jk->q", "i.j,jk->i", "ij", "ijk,jk->i", "i$,jk->i", "ij,jk->i->j"})
    EXPECT_FALSE(run_op("Einsum", {&a, &b}, {{"equation", std::string(bad)}}).is_ok()) << bad;
}

TEST(NnTest, InvalidInputsGiveErrors) {
  const Tensor x = random_tensor({1, 4, 5, 5}, 1);
  const Tensor w = random_tensor({6, 3, 3, 3}, 2);
  EXPECT_FALSE(run_op("Conv", {&x, &w}).is_ok());  // channel mismatch
  const Tensor w2 = random_tensor({6, 2, 3, 3}, 2);
  EXPECT_FALSE(run_op("Conv", {&x, &w2}, {{"group", int64_t{3}}}).is_ok());  // 4 % 3 != 0
  EXPECT_TRUE(run_op("Conv", {&x, &w2}, {{"group", int64_t{2}}}).is_ok());
  EXPECT_FALSE(run_op("Conv", {&x, &w2}, {{"group", int64_t{2}}, {"strides", Dims{0, 1}}}).is_ok());
  EXPECT_FALSE(run_op("Conv", {&x, &w2}, {{"group", int64_t{2}}, {"kernel_shape", Dims{2, 2}}}).is_ok());
  EXPECT_FALSE(run_op("Conv", {&x, &w2}, {{"group", int64_t{2}}, {"pads", Dims{1, 1}}}).is_ok());
  EXPECT_FALSE(run_op("Conv", {&x, &w2}, {{"group", int64_t{2}}, {"auto_pad", std::string("BOGUS")}}).is_ok());
  const Tensor big = random_tensor({6, 2, 9, 9}, 2);
  EXPECT_FALSE(run_op("Conv", {&x, &big}, {{"group", int64_t{2}}}).is_ok());  // kernel larger than input
  EXPECT_FALSE(run_op("MaxPool", {&x}).is_ok());                                // kernel_shape required
  const Tensor a = random_tensor({2, 3}, 3);
  EXPECT_FALSE(run_op("MatMul", {&a, &a}).is_ok());
  EXPECT_FALSE(run_op("Gemm", {&a, &a}).is_ok());
  EXPECT_TRUE(run_op("Gemm", {&a, &a}, {{"transB", int64_t{1}}}).is_ok());
  const Tensor bad_c = random_tensor({3, 3}, 4);
  EXPECT_FALSE(run_op("Gemm", {&a, &a, &bad_c}, {{"transB", int64_t{1}}}).is_ok());
}

}  // namespace
}  // namespace fovea
