// Elementwise ops through run_node (shape function + CPU kernel): broadcasting, integer
// semantics, Clip bounds, Cast conversions, Dropout, and errors on invalid input.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>
#include <limits>

#include "backends/cpu/cpu_executor.h"
#include "single_op.h"
#include "backends/cpu/vector_math.h"
#include "ir/graph.h"

namespace fovea {
namespace {

using testing::run1;
using testing::run_op;

using testing::values_of;

TEST(ElementwiseTest, AddBroadcastsBothWays) {
  const Tensor a = Tensor::from_vector<float>({1, 2, 3}, {3, 1});
  const Tensor b = Tensor::from_vector<float>({10, 20}, {1, 2});
  const Tensor y = run1("Add", {&a, &b});
  EXPECT_EQ(y.dims(), (Dims{3, 2}));
  EXPECT_EQ(values_of<float>(y), (std::vector<float>{11, 21, 12, 22, 13, 23}));
}

TEST(ElementwiseTest, MulSameShapeScalarAndChannelBroadcast) {
  // Large enough to take the parallel paths.
  const Dims dims{1, 8, 64, 80};
  std::vector<float> xs(8 * 64 * 80), cs(8);
  for (size_t i = 0; i < xs.size(); ++i) xs[i] = static_cast<float>(i % 97) - 40.f;
  for (size_t c = 0; c < cs.size(); ++c) cs[c] = static_cast<float>(c + 1);
  const Tensor x = Tensor::from_vector(xs, dims);
  const Tensor ch = Tensor::from_vector(cs, {1, 8, 1, 1});
  const Tensor two = Tensor::scalar(2.f);

  const Tensor sq = run1("Mul", {&x, &x});
  const Tensor doubled = run1("Mul", {&two, &x});
  const Tensor scaled = run1("Mul", {&x, &ch});
  for (size_t i = 0; i < xs.size(); ++i) {
    ASSERT_EQ(sq.data<float>()[i], xs[i] * xs[i]);
    ASSERT_EQ(doubled.data<float>()[i], 2.f * xs[i]);
    ASSERT_EQ(scaled.data<float>()[i], xs[i] * cs[i / (64 * 80)]) << i;
  }
}

TEST(ElementwiseTest, BroadcastMiddleAxisAndRankExtension) {
  // [2,1,3] + [4,1]: output [2,4,3].
  const Tensor a = Tensor::from_vector<int32_t>({0, 1, 2, 3, 4, 5}, {2, 1, 3});
  const Tensor b = Tensor::from_vector<int32_t>({0, 10, 20, 30}, {4, 1});
  const Tensor y = run1("Add", {&a, &b});
  ASSERT_EQ(y.dims(), (Dims{2, 4, 3}));
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 4; ++j)
      for (int k = 0; k < 3; ++k) EXPECT_EQ(y.data<int32_t>()[(i * 4 + j) * 3 + k], i * 3 + k + j * 10);
}

// Naive broadcast reference: output index -> operand index by per-dim modulo.
std::vector<float> reference_sub(const Tensor& a, const Tensor& b, const Dims& out) {
  const size_t rank = out.size();
  auto offset = [&](const Dims& d, const std::vector<int64_t>& idx) {
    int64_t off = 0;
    for (size_t i = 0; i < d.size(); ++i) off = off * d[i] + (d[i] == 1 ? 0 : idx[rank - d.size() + i]);
    return off;
  };
  std::vector<float> r(static_cast<size_t>(element_count(out)));
  std::vector<int64_t> idx(rank, 0);
  for (size_t n = 0; n < r.size(); ++n) {
    int64_t rem = static_cast<int64_t>(n);
    for (size_t d = rank; d-- > 0;) {
      idx[d] = rem % out[d];
      rem /= out[d];
    }
    r[n] = a.data<float>()[offset(a.dims(), idx)] - b.data<float>()[offset(b.dims(), idx)];
  }
  return r;
}

TEST(ElementwiseTest, BroadcastMatchesNaiveReferenceOnManyShapes) {
  const std::vector<std::pair<Dims, Dims>> cases = {
      {{2, 1, 3, 1}, {1, 4, 1, 5}},  {{3, 1, 70, 1}, {1, 50, 1, 40}}, {{1, 64, 1, 1}, {1, 64, 40, 40}},
      {{8, 1}, {1, 9000}},           {{5, 7, 1}, {7, 300}},           {{1}, {2, 3, 4}},
      {{4, 1, 6}, {4, 5, 6}},        {{0, 3}, {1, 3}},                {{2, 3000, 1}, {2, 1, 7}}};
  for (const auto& [da, db] : cases) {
    std::vector<float> va(static_cast<size_t>(element_count(da))), vb(static_cast<size_t>(element_count(db)));
    for (size_t i = 0; i < va.size(); ++i) va[i] = static_cast<float>(i % 113);
    for (size_t i = 0; i < vb.size(); ++i) vb[i] = static_cast<float>((i * 7) % 101) * 0.5f;
    const Tensor a = Tensor::from_vector(va, da), b = Tensor::from_vector(vb, db);
    for (int swap = 0; swap < 2; ++swap) {
      const Tensor& x = swap ? b : a;
      const Tensor& y = swap ? a : b;
      const Tensor out = run1("Sub", {&x, &y});
      const std::vector<float> want = reference_sub(x, y, out.dims());
      ASSERT_EQ(static_cast<size_t>(out.numel()), want.size());
      for (size_t i = 0; i < want.size(); ++i)
        ASSERT_EQ(out.data<float>()[i], want[i]) << dims_to_string(x.dims()) << " - " << dims_to_string(y.dims()) << " at " << i;
    }
  }
}

TEST(ElementwiseTest, IncompatibleBroadcastIsAnError) {
  const Tensor a = Tensor::from_vector<float>({1, 2, 3}, {3});
  const Tensor b = Tensor::from_vector<float>({1, 2}, {2});
  EXPECT_FALSE(run_op("Add", {&a, &b}).is_ok());
}

TEST(ElementwiseTest, MixedDtypesAreRejectedExceptForPow) {
  const Tensor f = Tensor::from_vector<float>({2, 3}, {2});
  const Tensor i = Tensor::from_vector<int64_t>({3, 2}, {2});
  EXPECT_FALSE(run_op("Add", {&f, &i}).is_ok());
  const Tensor y = run1("Pow", {&f, &i});
  EXPECT_EQ(y.dtype(), DType::kFloat32);
  EXPECT_EQ(values_of<float>(y), (std::vector<float>{8, 9}));
  const Tensor ib = Tensor::from_vector<int32_t>({2, -3, 5}, {3});
  const Tensor fe = Tensor::from_vector<float>({2.f, 3.f, 0.5f}, {3});
  const Tensor yi = run1("Pow", {&ib, &fe});
  EXPECT_EQ(values_of<int32_t>(yi), (std::vector<int32_t>{4, -27, 2}));  // sqrt(5) truncated
}

TEST(ElementwiseTest, IntegerDivTruncatesAndDivisionByZeroIsDefined) {
  const Tensor a = Tensor::from_vector<int32_t>({7, -7, 7, -7, 5, std::numeric_limits<int32_t>::min()}, {6});
  const Tensor b = Tensor::from_vector<int32_t>({2, 2, -2, -2, 0, -1}, {6});
  const Tensor y = run1("Div", {&a, &b});
  EXPECT_EQ(values_of<int32_t>(y), (std::vector<int32_t>{3, -3, -3, 3, 0, std::numeric_limits<int32_t>::min()}));
  const Tensor u = Tensor::from_vector<uint8_t>({250, 7}, {2});
  const Tensor v = Tensor::from_vector<uint8_t>({10, 0}, {2});
  EXPECT_EQ(values_of<uint8_t>(run1("Add", {&u, &v})), (std::vector<uint8_t>{4, 7}));  // wraps
  EXPECT_EQ(values_of<uint8_t>(run1("Div", {&u, &v})), (std::vector<uint8_t>{25, 0}));
}

TEST(ElementwiseTest, ClipWithMissingMinAndIntegerBounds) {
  const Tensor x = Tensor::from_vector<float>({-5, 0, 5, -std::numeric_limits<float>::infinity()}, {4});
  const Tensor hi = Tensor::scalar(1.f);
  EXPECT_EQ(values_of<float>(run1("Clip", {&x, nullptr, &hi})),
            (std::vector<float>{-5, 0, 1, -std::numeric_limits<float>::infinity()}));
  const Tensor lo = Tensor::scalar(-1.f);
  EXPECT_EQ(values_of<float>(run1("Clip", {&x, &lo})), (std::vector<float>{-1, 0, 5, -1}));
  // Opset 6: bounds are attributes.
  EXPECT_EQ(values_of<float>(run1("Clip", {&x}, {{"min", -2.f}, {"max", 2.f}}, 6)), (std::vector<float>{-2, 0, 2, -2}));
  const Tensor xi = Tensor::from_vector<int8_t>({-128, 0, 127}, {3});
  const Tensor loi = Tensor::scalar<int8_t>(-5);
  EXPECT_EQ(values_of<int8_t>(run1("Clip", {&xi, &loi})), (std::vector<int8_t>{-5, 0, 127}));
  const Tensor bad = Tensor::from_vector<float>({0, 1}, {2});
  EXPECT_FALSE(run_op("Clip", {&x, &bad}).is_ok());  // bounds must be scalars
}

TEST(ElementwiseTest, CastFloatToIntTruncatesAndSaturates) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const Tensor x = Tensor::from_vector<float>({1.7f, -1.7f, 2.5f, 3e10f, -3e10f, nan}, {6});
  const Tensor y = run1("Cast", {&x}, {{"to", int64_t{6}}});  // int32
  EXPECT_EQ(values_of<int32_t>(y), (std::vector<int32_t>{1, -1, 2, std::numeric_limits<int32_t>::max(),
                                                         std::numeric_limits<int32_t>::min(), 0}));
  const Tensor b = run1("Cast", {&x}, {{"to", int64_t{9}}});  // bool
  EXPECT_EQ(values_of<bool>(b), (std::vector<bool>{true, true, true, true, true, true}));
  const Tensor i64 = Tensor::from_vector<int64_t>({300, -1}, {2});
  EXPECT_EQ(values_of<uint8_t>(run1("Cast", {&i64}, {{"to", int64_t{2}}})), (std::vector<uint8_t>{44, 255}));
}

TEST(ElementwiseTest, CastThroughFloat16AndBFloat16) {
  const Tensor x = Tensor::from_vector<float>({1.f, -2.5f, 65504.f, 0.1f}, {4});
  const Tensor h = run1("Cast", {&x}, {{"to", int64_t{10}}});
  ASSERT_EQ(h.dtype(), DType::kFloat16);
  const Tensor back = run1("Cast", {&h}, {{"to", int64_t{1}}});
  EXPECT_EQ(back.data<float>()[0], 1.f);
  EXPECT_EQ(back.data<float>()[1], -2.5f);
  EXPECT_EQ(back.data<float>()[2], 65504.f);
  EXPECT_NEAR(back.data<float>()[3], 0.1f, 1e-4);
  const Tensor bf = run1("Cast", {&x}, {{"to", int64_t{16}}});
  const Tensor bf_back = run1("Cast", {&bf}, {{"to", int64_t{1}}});
  EXPECT_EQ(bf_back.data<float>()[1], -2.5f);
  EXPECT_NEAR(bf_back.data<float>()[3], 0.1f, 1e-3);
  EXPECT_FALSE(run_op("Cast", {&x}, {{"to", int64_t{8}}}).is_ok());    // string
  EXPECT_FALSE(run_op("Cast", {&x}, {{"to", int64_t{1000}}}).is_ok());  // no such dtype
  EXPECT_FALSE(run_op("Cast", {&x}).is_ok());                           // 'to' is required
}

TEST(ElementwiseTest, Float16MathRunsThroughFloat32) {
  const Tensor f = Tensor::from_vector<float>({1, 4, 9}, {3});
  const Tensor h = run1("Cast", {&f}, {{"to", int64_t{10}}});
  const Tensor root = run1("Sqrt", {&h});
  ASSERT_EQ(root.dtype(), DType::kFloat16);
  const Tensor sum = run1("Add", {&root, &h});
  const Tensor less = run1("Less", {&root, &h});
  const Tensor back = run1("Cast", {&sum}, {{"to", int64_t{1}}});
  EXPECT_EQ(values_of<float>(back), (std::vector<float>{2, 6, 12}));
  EXPECT_EQ(values_of<bool>(less), (std::vector<bool>{false, true, true}));
}

TEST(ElementwiseTest, RoundIsHalfToEvenAndActivationsMatchFormulas) {
  const Tensor x = Tensor::from_vector<float>({0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 2.6f}, {6});
  EXPECT_EQ(values_of<float>(run1("Round", {&x})), (std::vector<float>{0, 2, 2, -0, -2, 3}));
  const Tensor s = Tensor::from_vector<float>({-1.f, 0.f, 3.f}, {3});
  const Tensor sig = run1("Sigmoid", {&s});
  EXPECT_NEAR(sig.data<float>()[0], 1.f / (1.f + std::exp(1.f)), 1e-7);
  const Tensor hs = run1("HardSwish", {&s});
  EXPECT_NEAR(hs.data<float>()[0], -1.f * (-1.f / 6.f + 0.5f), 1e-7);
  EXPECT_NEAR(hs.data<float>()[2], 3.f, 1e-7);
  const Tensor lr = run1("LeakyRelu", {&s}, {{"alpha", 0.1f}});
  EXPECT_EQ(values_of<float>(lr), (std::vector<float>{-0.1f, 0.f, 3.f}));
  const Tensor sp = run1("Softplus", {&s});
  EXPECT_NEAR(sp.data<float>()[2], std::log1p(std::exp(3.f)), 1e-6);
}

TEST(ElementwiseTest, PReluBroadcastsSlopeToX) {
  const Tensor x = Tensor::from_vector<float>({-1, 2, -3, 4, -5, 6}, {1, 2, 3});
  const Tensor slope = Tensor::from_vector<float>({0.5f, 2.f}, {2, 1});
  EXPECT_EQ(values_of<float>(run1("PRelu", {&x, &slope})), (std::vector<float>{-0.5f, 2, -1.5f, 4, -10, 6}));
  const Tensor bigger = Tensor::from_vector<float>({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, {2, 2, 3});
  EXPECT_FALSE(run_op("PRelu", {&x, &bigger}).is_ok());  // slope may not enlarge X
}

TEST(ElementwiseTest, VariadicOpsBroadcastAllInputs) {
  const Tensor a = Tensor::from_vector<float>({1, 5}, {2});
  const Tensor b = Tensor::from_vector<float>({3}, {1});
  const Tensor c = Tensor::from_vector<float>({0, 2, 4, 6}, {2, 2});
  EXPECT_EQ(values_of<float>(run1("Sum", {&a, &b, &c})), (std::vector<float>{4, 10, 8, 14}));
  EXPECT_EQ(values_of<float>(run1("Max", {&a, &b, &c})), (std::vector<float>{3, 5, 4, 6}));
  EXPECT_EQ(values_of<float>(run1("Min", {&a, &b, &c})), (std::vector<float>{0, 2, 1, 3}));
  const Tensor mean = run1("Mean", {&a, &b, &c});
  EXPECT_EQ(mean.dims(), (Dims{2, 2}));
  EXPECT_NEAR(mean.data<float>()[1], 10.f / 3.f, 1e-6);
  EXPECT_EQ(values_of<float>(run1("Sum", {&a})), (std::vector<float>{1, 5}));
  const Tensor i = Tensor::from_vector<int64_t>({1}, {1});
  EXPECT_FALSE(run_op("Sum", {&i}).is_ok());  // Sum is float-only in ONNX
}

TEST(ElementwiseTest, ComparisonsLogicAndWhere) {
  const Tensor a = Tensor::from_vector<int64_t>({1, 2, 3}, {3});
  const Tensor b = Tensor::scalar<int64_t>(2);
  EXPECT_EQ(values_of<bool>(run1("Less", {&a, &b})), (std::vector<bool>{true, false, false}));
  EXPECT_EQ(values_of<bool>(run1("GreaterOrEqual", {&a, &b})), (std::vector<bool>{false, true, true}));
  const Tensor eq = run1("Equal", {&a, &b});
  EXPECT_EQ(eq.dtype(), DType::kBool);
  EXPECT_EQ(values_of<bool>(run1("Not", {&eq})), (std::vector<bool>{true, false, true}));
  const Tensor t = Tensor::scalar(true);
  EXPECT_EQ(values_of<bool>(run1("And", {&eq, &t})), (std::vector<bool>{false, true, false}));
  EXPECT_EQ(values_of<bool>(run1("Or", {&eq, &t})), (std::vector<bool>{true, true, true}));
  EXPECT_FALSE(run_op("And", {&a, &a}).is_ok());  // And needs bool
  EXPECT_FALSE(run_op("Not", {&a}).is_ok());
  const Tensor cond = Tensor::from_vector<bool>({true, false}, {2, 1});
  const Tensor x = Tensor::from_vector<float>({1, 2, 3}, {3});
  const Tensor y = Tensor::scalar(-1.f);
  const Tensor w = run1("Where", {&cond, &x, &y});
  EXPECT_EQ(w.dims(), (Dims{2, 3}));
  EXPECT_EQ(values_of<float>(w), (std::vector<float>{1, 2, 3, -1, -1, -1}));
  EXPECT_FALSE(run_op("Where", {&x, &x, &y}).is_ok());  // condition must be bool
}

TEST(ElementwiseTest, IntegerUnaryOpsDoNotOverflow) {
  const Tensor x = Tensor::from_vector<int32_t>({std::numeric_limits<int32_t>::min(), -3, 0, 4}, {4});
  EXPECT_EQ(values_of<int32_t>(run1("Abs", {&x})), (std::vector<int32_t>{std::numeric_limits<int32_t>::min(), 3, 0, 4}));
  EXPECT_EQ(values_of<int32_t>(run1("Neg", {&x})), (std::vector<int32_t>{std::numeric_limits<int32_t>::min(), 3, 0, -4}));
  EXPECT_EQ(values_of<int32_t>(run1("Sign", {&x})), (std::vector<int32_t>{-1, -1, 0, 1}));
  EXPECT_EQ(values_of<int32_t>(run1("Relu", {&x})), (std::vector<int32_t>{0, 0, 0, 4}));
  EXPECT_FALSE(run_op("Sqrt", {&x}).is_ok());  // float-only op
}

TEST(ElementwiseTest, IdentityAndDropoutAreViews) {
  const Tensor x = Tensor::from_vector<float>({1, 2}, {2});
  const Tensor id = run1("Identity", {&x});
  EXPECT_EQ(id.raw_data(), x.raw_data());
  auto r = run_op("Dropout", {&x}, {}, 13, 2);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ((*r)[0].raw_data(), x.raw_data());
  EXPECT_EQ(values_of<bool>((*r)[1]), (std::vector<bool>{true, true}));
  const Tensor ratio = Tensor::scalar(0.3f);
  const Tensor train = Tensor::scalar(true);
  auto training = run_op("Dropout", {&x, &ratio, &train}, {}, 13, 1);
  ASSERT_FALSE(training.is_ok());
  EXPECT_EQ(training.status().code(), StatusCode::kUnsupported);
  const Tensor zero = Tensor::scalar(0.f);
  EXPECT_TRUE(run_op("Dropout", {&x, &zero, &train}, {}, 13, 1).is_ok());
  const Tensor bad_ratio = Tensor::scalar(1.5f);
  EXPECT_FALSE(run_op("Dropout", {&x, &bad_ratio}, {}, 13, 1).is_ok());
  // Opset 7: the mask has the data's dtype.
  auto old = run_op("Dropout", {&x}, {}, 7, 2);
  ASSERT_TRUE(old.is_ok());
  EXPECT_EQ(values_of<float>((*old)[1]), (std::vector<float>{1, 1}));
}

TEST(ElementwiseTest, WrongAttributeTypeIsAnErrorNotACrash) {
  const Tensor x = Tensor::from_vector<float>({1, 2}, {2});
  EXPECT_FALSE(run_op("LeakyRelu", {&x}, {{"alpha", std::string("big")}}).is_ok());
  EXPECT_FALSE(run_op("Cast", {&x}, {{"to", 1.5f}}).is_ok());
  EXPECT_FALSE(run_op("Clip", {&x}, {{"min", std::string("a")}}, 6).is_ok());
}

}  // namespace
}  // namespace fovea

// The float32 Sigmoid uses a vectorized exp polynomial; it must stay within a few ulp of the
// double-precision reference over the whole float range, tails, infinities and NaN included.
TEST(VectorMathTest, SigmoidMatchesDoubleReference) {
  std::vector<float> xs;
  for (float x = -120.0f; x <= 120.0f; x += 0.01375f) xs.push_back(x);
  for (float x : {0.0f, -0.0f, 1e-30f, -1e-30f, 87.0f, -87.0f, 88.5f, -88.5f}) xs.push_back(x);
  xs.push_back(std::numeric_limits<float>::infinity());
  xs.push_back(-std::numeric_limits<float>::infinity());
  std::vector<float> ys(xs.size());
  fovea::cpu::sigmoid_array(xs.data(), ys.data(), static_cast<int64_t>(xs.size()));
  for (size_t i = 0; i < xs.size(); ++i) {
    const double ref = 1.0 / (1.0 + std::exp(-static_cast<double>(xs[i])));
    if (ref < 1.2e-38) {  // below FLT_MIN the kernel flushes to ~FLT_MIN
      EXPECT_LE(ys[i], 2e-38f) << xs[i];
      continue;
    }
    EXPECT_NEAR(ys[i], ref, 4e-7 * ref) << "x = " << xs[i];
  }
  float nan = std::numeric_limits<float>::quiet_NaN(), out = 0;
  fovea::cpu::sigmoid_array(&nan, &out, 1);
  EXPECT_TRUE(std::isnan(out));
}
