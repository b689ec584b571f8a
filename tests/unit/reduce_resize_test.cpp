// Unit tests of the reduce/resize family: Resize, Upsample, Softmax, LogSoftmax, ArgMax/ArgMin,
// Reduce*, TopK, CumSum, NonMaxSuppression (CPU kernels and shape functions, errors included).
#include <gtest/gtest.h>

#include <cmath>

#include "backends/cpu/cpu_executor.h"
#include "ops/op_def.h"

namespace fovea {
namespace {

// A graph holding one node, run through cpu::run_node (shape function + kernel).
struct OneNode {
  Graph graph;
  Node* node = nullptr;
  OneNode(const std::string& op, std::vector<Attribute> attrs, size_t num_inputs, size_t num_outputs = 1) {
    node = graph.add_node("n", op);
    node->attributes = std::move(attrs);
    for (size_t i = 0; i < num_inputs; ++i) node->inputs.push_back(*graph.add_value("in" + std::to_string(i)));
    for (size_t i = 0; i < num_outputs; ++i) node->outputs.push_back(*graph.add_value("out" + std::to_string(i)));
  }
  Result<std::vector<Tensor>> run(std::vector<const Tensor*> inputs, int64_t opset) {
    return cpu::run_node(*node, opset, inputs);
  }
};

Result<std::vector<Tensor>> run_op(const std::string& op, std::vector<Attribute> attrs,
                                   std::vector<const Tensor*> inputs, int64_t opset, size_t num_outputs = 1) {
  OneNode n(op, std::move(attrs), inputs.size(), num_outputs);
  return n.run(std::move(inputs), opset);
}

Tensor floats(std::vector<float> v, Dims d) { return Tensor::from_vector<float>(v, std::move(d)); }
Tensor ints(std::vector<int64_t> v, Dims d) { return Tensor::from_vector<int64_t>(v, std::move(d)); }

void expect_floats(const Tensor& t, const Dims& dims, const std::vector<float>& want, float tol = 1e-5f) {
  ASSERT_EQ(t.dtype(), DType::kFloat32);
  ASSERT_EQ(t.dims(), dims);
  ASSERT_EQ(static_cast<size_t>(t.numel()), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(t.data<float>()[i], want[i], tol * (1 + std::abs(want[i]))) << i;
}

void expect_ints(const Tensor& t, const Dims& dims, const std::vector<int64_t>& want) {
  ASSERT_EQ(t.dtype(), DType::kInt64);
  ASSERT_EQ(t.dims(), dims);
  EXPECT_EQ(std::vector<int64_t>(t.values<int64_t>().begin(), t.values<int64_t>().end()), want);
}

// ---------------------------------------------------------------- reductions

TEST(ReduceTest, MeanOverAttributeAxesKeepsDims) {
  Tensor x = floats({1, 2, 3, 4, 5, 6}, {2, 3});
  auto r = run_op("ReduceMean", {{"axes", std::vector<int64_t>{1}}}, {&x}, 13);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  expect_floats((*r)[0], {2, 1}, {2, 5});
}

TEST(ReduceTest, SumAxesInputAtOpset13AndNegativeAxis) {
  Tensor x = floats({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor axes = ints({-2}, {1});
  auto r = run_op("ReduceSum", {{"keepdims", int64_t{0}}}, {&x, &axes}, 13);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  expect_floats((*r)[0], {3}, {5, 7, 9});
}

TEST(ReduceTest, EmptyAxesReduceAllOrAreANoop) {
  Tensor x = floats({1, 2, 3, 4}, {2, 2});
  auto all = run_op("ReduceSum", {}, {&x}, 13);
  ASSERT_TRUE(all.is_ok());
  expect_floats((*all)[0], {1, 1}, {10});
  Tensor empty = ints({}, {0});
  auto noop = run_op("ReduceSum", {{"noop_with_empty_axes", int64_t{1}}}, {&x, &empty}, 13);
  ASSERT_TRUE(noop.is_ok());
  expect_floats((*noop)[0], {2, 2}, {1, 2, 3, 4});
  auto all_max = run_op("ReduceMax", {{"keepdims", int64_t{0}}}, {&x}, 11);
  ASSERT_TRUE(all_max.is_ok());
  expect_floats((*all_max)[0], {}, {4});
}

TEST(ReduceTest, EveryKindOnNonContiguousAxes) {
  // [2,2,2]: reduce axes 0 and 2 (not adjacent).
  Tensor x = floats({1, 2, 3, 4, 5, 6, 7, 8}, {2, 2, 2});
  std::vector<Attribute> attrs = {{"axes", std::vector<int64_t>{0, 2}}, {"keepdims", int64_t{0}}};
  auto run = [&](const char* op) { return std::move(run_op(op, attrs, {&x}, 11).value()[0]); };
  expect_floats(run("ReduceSum"), {2}, {1 + 2 + 5 + 6, 3 + 4 + 7 + 8});
  expect_floats(run("ReduceMean"), {2}, {3.5f, 5.5f});
  expect_floats(run("ReduceMax"), {2}, {6, 8});
  expect_floats(run("ReduceMin"), {2}, {1, 3});
  expect_floats(run("ReduceProd"), {2}, {60, 672});
  expect_floats(run("ReduceSumSquare"), {2}, {66, 138});
  expect_floats(run("ReduceL2"), {2}, {std::sqrt(66.f), std::sqrt(138.f)});
  expect_floats(run("ReduceL1"), {2}, {14, 22});
  expect_floats(run("ReduceLogSum"), {2}, {std::log(14.f), std::log(22.f)});
  const float lse0 = std::log(std::exp(1.f) + std::exp(2.f) + std::exp(5.f) + std::exp(6.f));
  const float lse1 = std::log(std::exp(3.f) + std::exp(4.f) + std::exp(7.f) + std::exp(8.f));
  expect_floats(run("ReduceLogSumExp"), {2}, {lse0, lse1});
}

TEST(ReduceTest, AxesInputAtOpset18AndInt64Data) {
  Tensor x = ints({5, -1, 7, 2}, {2, 2});
  Tensor axes = ints({1}, {1});
  auto r = run_op("ReduceMin", {}, {&x, &axes}, 18);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  expect_ints((*r)[0], {2, 1}, {-1, 2});
}

TEST(ReduceTest, BadAxesAreErrors) {
  Tensor x = floats({1, 2, 3, 4}, {2, 2});
  EXPECT_FALSE(run_op("ReduceMean", {{"axes", std::vector<int64_t>{2}}}, {&x}, 13).is_ok());
  EXPECT_FALSE(run_op("ReduceMean", {{"axes", std::vector<int64_t>{1, -1}}}, {&x}, 13).is_ok());
  EXPECT_FALSE(run_op("ReduceMean", {{"axes", std::vector<int64_t>{1}}}, {&x}, 18).is_ok());
  EXPECT_FALSE(run_op("ReduceMean", {{"keepdims", int64_t{3}}}, {&x}, 13).is_ok());
  Tensor axes = ints({0}, {1});
  EXPECT_FALSE(run_op("ReduceMean", {}, {&x, &axes}, 13).is_ok());  // axes is an attribute at 13
  Tensor float_axes = floats({0}, {1});
  EXPECT_FALSE(run_op("ReduceSum", {}, {&x, &float_axes}, 13).is_ok());
}

TEST(ReduceTest, UnknownAxesInputGivesUnknownDimsAtBuildTime) {
  OneNode n("ReduceSum", {}, 2);
  InferContext ctx(*n.node, 13,
                   {TensorInfo{DType::kFloat32, Shape{Dim::symbolic("N"), Dim::known(4)}, nullptr, true},
                    TensorInfo{DType::kInt64, Shape{Dim::known(1)}, nullptr, true}});
  ASSERT_TRUE(find_op_schema("", "ReduceSum")->infer(ctx).is_ok());
  EXPECT_EQ(shape_to_string(*ctx.output(0).shape), "[?,?]");
}

// ---------------------------------------------------------------- arg max / min

TEST(ArgReduceTest, SelectLastIndexAndKeepdims) {
  Tensor x = floats({2, 5, 5, 1, 1, 0}, {2, 3});
  auto first = run_op("ArgMax", {{"axis", int64_t{1}}}, {&x}, 13);
  ASSERT_TRUE(first.is_ok());
  expect_ints((*first)[0], {2, 1}, {1, 0});
  auto last = run_op("ArgMax", {{"axis", int64_t{1}}, {"select_last_index", int64_t{1}}}, {&x}, 13);
  ASSERT_TRUE(last.is_ok());
  expect_ints((*last)[0], {2, 1}, {2, 1});
  auto mn = run_op("ArgMin", {{"axis", int64_t{-1}}, {"keepdims", int64_t{0}}}, {&x}, 13);
  ASSERT_TRUE(mn.is_ok());
  expect_ints((*mn)[0], {2}, {0, 2});
  auto col = run_op("ArgMin", {}, {&x}, 13);
  ASSERT_TRUE(col.is_ok());
  expect_ints((*col)[0], {1, 3}, {1, 1, 1});
}

TEST(ArgReduceTest, AxisOutOfRangeIsAnError) {
  Tensor x = floats({1, 2}, {2});
  EXPECT_FALSE(run_op("ArgMax", {{"axis", int64_t{1}}}, {&x}, 13).is_ok());
  Tensor s = Tensor::scalar<float>(1);
  EXPECT_FALSE(run_op("ArgMax", {}, {&s}, 13).is_ok());
}

// ---------------------------------------------------------------- softmax

TEST(SoftmaxTest, LastAxisFromOpset13IsStable) {
  Tensor x = floats({1000, 1001, 1002, 0, 0, 0}, {2, 3});
  auto r = run_op("Softmax", {}, {&x}, 13);
  ASSERT_TRUE(r.is_ok());
  const float e1 = std::exp(-1.f), e2 = std::exp(-2.f), s = 1 + e1 + e2;
  expect_floats((*r)[0], {2, 3}, {e2 / s, e1 / s, 1 / s, 1 / 3.f, 1 / 3.f, 1 / 3.f});
  auto l = run_op("LogSoftmax", {}, {&x}, 13);
  ASSERT_TRUE(l.is_ok());
  expect_floats((*l)[0], {2, 3}, {-2 - std::log(s), -1 - std::log(s), -std::log(s), -std::log(3.f), -std::log(3.f),
                                  -std::log(3.f)});
}

TEST(SoftmaxTest, BeforeOpset13TheInputIsCoercedTo2D) {
  Tensor x = floats({0, 0, 0, 0, 1, 1, 1, 1}, {2, 2, 2});
  auto old = run_op("Softmax", {{"axis", int64_t{1}}}, {&x}, 11);  // 4 elements per row
  ASSERT_TRUE(old.is_ok());
  expect_floats((*old)[0], {2, 2, 2}, {.25f, .25f, .25f, .25f, .25f, .25f, .25f, .25f});
  Tensor y = floats({0, 1, 2, 3}, {1, 2, 2});
  auto single = run_op("Softmax", {{"axis", int64_t{1}}}, {&y}, 13);  // only axis 1
  ASSERT_TRUE(single.is_ok());
  const float a = 1 / (1 + std::exp(2.f)), b = 1 - a;
  expect_floats((*single)[0], {1, 2, 2}, {a, a, b, b});
}

TEST(SoftmaxTest, BadAxisOrDtypeIsAnError) {
  Tensor x = floats({1, 2}, {1, 2});
  EXPECT_FALSE(run_op("Softmax", {{"axis", int64_t{2}}}, {&x}, 13).is_ok());
  EXPECT_FALSE(run_op("LogSoftmax", {{"axis", int64_t{-3}}}, {&x}, 11).is_ok());
  Tensor i = ints({1, 2}, {1, 2});
  EXPECT_FALSE(run_op("Softmax", {}, {&i}, 13).is_ok());
}

// ---------------------------------------------------------------- TopK

TEST(TopKTest, LargestWithTiesKeepsLowerIndexFirst) {
  Tensor x = floats({3, 1, 3, 2, 0, 9, 9, 1}, {2, 4});
  Tensor k = ints({2}, {1});
  auto r = run_op("TopK", {}, {&x, &k}, 11, 2);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  expect_floats((*r)[0], {2, 2}, {3, 3, 9, 9});
  expect_ints((*r)[1], {2, 2}, {0, 2, 1, 2});
  auto small = run_op("TopK", {{"largest", int64_t{0}}, {"axis", int64_t{0}}}, {&x, &k}, 11, 2);
  ASSERT_TRUE(small.is_ok());
  expect_ints((*small)[1], {2, 4}, {1, 0, 0, 1, 0, 1, 1, 0});
}

TEST(TopKTest, AttributeKBeforeOpset10) {
  Tensor x = floats({1, 4, 2}, {3});
  auto r = run_op("TopK", {{"k", int64_t{1}}}, {&x}, 9, 2);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  expect_floats((*r)[0], {1}, {4});
  expect_ints((*r)[1], {1}, {1});
}

TEST(TopKTest, BadKIsAnError) {
  Tensor x = floats({1, 4, 2}, {3});
  Tensor big = ints({4}, {1});
  EXPECT_FALSE(run_op("TopK", {}, {&x, &big}, 11, 2).is_ok());
  Tensor neg = ints({-1}, {1});
  EXPECT_FALSE(run_op("TopK", {}, {&x, &neg}, 11, 2).is_ok());
  EXPECT_FALSE(run_op("TopK", {}, {&x}, 9, 2).is_ok());  // no k attribute
}

// ---------------------------------------------------------------- CumSum

TEST(CumSumTest, ExclusiveReverseAndAxisInput) {
  Tensor x = floats({1, 2, 3, 4, 5, 6}, {2, 3});
  Tensor axis = Tensor::scalar<int32_t>(1);
  auto plain = run_op("CumSum", {}, {&x, &axis}, 14);
  ASSERT_TRUE(plain.is_ok());
  expect_floats((*plain)[0], {2, 3}, {1, 3, 6, 4, 9, 15});
  auto both = run_op("CumSum", {{"exclusive", int64_t{1}}, {"reverse", int64_t{1}}}, {&x, &axis}, 14);
  ASSERT_TRUE(both.is_ok());
  expect_floats((*both)[0], {2, 3}, {5, 3, 0, 11, 6, 0});
  Tensor axis0 = Tensor::scalar<int64_t>(-2);
  auto col = run_op("CumSum", {}, {&x, &axis0}, 14);
  ASSERT_TRUE(col.is_ok());
  expect_floats((*col)[0], {2, 3}, {1, 2, 3, 5, 7, 9});
  Tensor bad = Tensor::scalar<int64_t>(2);
  EXPECT_FALSE(run_op("CumSum", {}, {&x, &bad}, 14).is_ok());
}

// ---------------------------------------------------------------- NonMaxSuppression

TEST(NonMaxSuppressionTest, SuppressesOverlapsPerClass) {
  // Boxes 0 and 1 overlap heavily (IoU 0.81), box 2 is apart.
  Tensor boxes = floats({0, 0, 1, 1, 0, 0.1f, 1, 1.1f, 0, 10, 1, 11}, {1, 3, 4});
  Tensor scores = floats({0.9f, 0.95f, 0.5f, 0.1f, 0.2f, 0.3f}, {1, 2, 3});
  Tensor max_out = ints({5}, {1});
  Tensor iou = floats({0.5f}, {1});
  Tensor score_thr = floats({0.15f}, {1});
  auto r = run_op("NonMaxSuppression", {}, {&boxes, &scores, &max_out, &iou, &score_thr}, 11);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  expect_ints((*r)[0], {4, 3}, {0, 0, 1, 0, 0, 2, 0, 1, 2, 0, 1, 1});
  Tensor one = ints({1}, {1});
  auto limited = run_op("NonMaxSuppression", {}, {&boxes, &scores, &one}, 11);
  ASSERT_TRUE(limited.is_ok());
  expect_ints((*limited)[0], {2, 3}, {0, 0, 1, 0, 1, 2});
  auto none = run_op("NonMaxSuppression", {}, {&boxes, &scores}, 11);
  ASSERT_TRUE(none.is_ok());
  expect_ints((*none)[0], {0, 3}, {});
}

TEST(NonMaxSuppressionTest, CenterPointBoxesAndBuildTimeShape) {
  Tensor boxes = floats({0.5f, 0.5f, 1, 1, 0.5f, 0.6f, 1, 1}, {1, 2, 4});
  Tensor scores = floats({0.9f, 0.8f}, {1, 1, 2});
  Tensor max_out = ints({3}, {1});
  Tensor iou = floats({0.5f}, {1});
  auto r = run_op("NonMaxSuppression", {{"center_point_box", int64_t{1}}}, {&boxes, &scores, &max_out, &iou}, 11);
  ASSERT_TRUE(r.is_ok());
  expect_ints((*r)[0], {1, 3}, {0, 0, 0});

  OneNode n("NonMaxSuppression", {}, 2);
  InferContext ctx(*n.node, 11,
                   {TensorInfo{DType::kFloat32, Shape{Dim::known(1), Dim::symbolic("N"), Dim::known(4)}, nullptr, true},
                    TensorInfo{DType::kFloat32, Shape{Dim::known(1), Dim::known(1), Dim::symbolic("N")}, nullptr, true}});
  ASSERT_TRUE(find_op_schema("", "NonMaxSuppression")->infer(ctx).is_ok());
  ASSERT_TRUE(ctx.output(0).shape.has_value());
  EXPECT_EQ(shape_to_string(*ctx.output(0).shape), "[?,3]");
}

TEST(NonMaxSuppressionTest, MalformedInputsAreErrors) {
  Tensor boxes = floats({0, 0, 1, 1}, {1, 1, 4});
  Tensor scores = floats({0.9f, 0.8f}, {1, 1, 2});  // 2 boxes in scores, 1 in boxes
  EXPECT_FALSE(run_op("NonMaxSuppression", {}, {&boxes, &scores}, 11).is_ok());
  Tensor good_scores = floats({0.9f}, {1, 1, 1});
  Tensor max_out = ints({1}, {1});
  Tensor bad_iou = floats({1.5f}, {1});
  EXPECT_FALSE(run_op("NonMaxSuppression", {}, {&boxes, &good_scores, &max_out, &bad_iou}, 11).is_ok());
  EXPECT_FALSE(run_op("NonMaxSuppression", {{"center_point_box", int64_t{2}}}, {&boxes, &good_scores}, 11).is_ok());
}

// ---------------------------------------------------------------- Resize / Upsample

std::vector<Attribute> resize_attrs(const std::string& mode, const std::string& transform = "half_pixel") {
  return {{"mode", mode}, {"coordinate_transformation_mode", transform}};
}

TEST(ResizeTest, IntegerNearestUpsampleFastPathMatchesDefinition) {
  // YOLO's upsample: [1,C,H,W] x2 nearest (half_pixel, round_prefer_floor) reads in[y/2][x/2].
  const int64_t c = 3, h = 4, w = 5;
  std::vector<float> v(c * h * w);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i);
  Tensor x = floats(v, {1, c, h, w});
  Tensor scales = floats({1, 1, 2, 2}, {4});
  auto r = run_op("Resize", resize_attrs("nearest"), {&x, nullptr, &scales}, 13);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  const Tensor& out = (*r)[0];
  ASSERT_EQ(out.dims(), (Dims{1, c, 2 * h, 2 * w}));
  for (int64_t k = 0; k < c; ++k)
    for (int64_t y = 0; y < 2 * h; ++y)
      for (int64_t xx = 0; xx < 2 * w; ++xx)
        ASSERT_EQ(out.data<float>()[(k * 2 * h + y) * 2 * w + xx], v[(k * h + y / 2) * w + xx / 2]);
  // Same result through sizes and through Upsample-9 / Upsample-7.
  Tensor sizes = ints({1, c, 2 * h, 2 * w}, {4});
  auto by_sizes = run_op("Resize", resize_attrs("nearest"), {&x, nullptr, nullptr, &sizes}, 13);
  ASSERT_TRUE(by_sizes.is_ok());
  EXPECT_EQ(by_sizes->at(0).values<float>().size(), out.values<float>().size());
  EXPECT_TRUE(std::equal(out.values<float>().begin(), out.values<float>().end(), by_sizes->at(0).data<float>()));
  auto up9 = run_op("Upsample", {{"mode", std::string("nearest")}}, {&x, &scales}, 9);
  ASSERT_TRUE(up9.is_ok()) << up9.status().to_string();
  EXPECT_TRUE(std::equal(out.values<float>().begin(), out.values<float>().end(), up9->at(0).data<float>()));
  auto up7 = run_op("Upsample", {{"scales", std::vector<float>{1, 1, 2, 2}}}, {&x}, 7);
  ASSERT_TRUE(up7.is_ok()) << up7.status().to_string();
  EXPECT_TRUE(std::equal(out.values<float>().begin(), out.values<float>().end(), up7->at(0).data<float>()));
}

TEST(ResizeTest, NearestModesOnA1DAxis) {
  Tensor x = floats({10, 20, 30, 40}, {1, 4});
  Tensor sizes = ints({1, 3}, {2});  // scale 0.75: half_pixel x' = (x + .5) / .75 - .5
  auto run = [&](const std::string& transform, const std::string& nearest) {
    auto attrs = resize_attrs("nearest", transform);
    attrs.push_back({"nearest_mode", nearest});
    auto r = run_op("Resize", attrs, {&x, nullptr, nullptr, &sizes}, 13);
    EXPECT_TRUE(r.is_ok()) << r.status().to_string();
    return std::vector<float>(r->at(0).data<float>(), r->at(0).data<float>() + 3);
  };
  // x' = 0.1667, 1.5, 2.8333
  EXPECT_EQ(run("half_pixel", "round_prefer_floor"), (std::vector<float>{10, 20, 40}));
  EXPECT_EQ(run("half_pixel", "round_prefer_ceil"), (std::vector<float>{10, 30, 40}));
  EXPECT_EQ(run("half_pixel", "floor"), (std::vector<float>{10, 20, 30}));
  EXPECT_EQ(run("half_pixel", "ceil"), (std::vector<float>{20, 30, 40}));
  // asymmetric x' = 0, 1.333, 2.667; align_corners x' = 0, 1.5, 3
  EXPECT_EQ(run("asymmetric", "floor"), (std::vector<float>{10, 20, 30}));
  EXPECT_EQ(run("align_corners", "round_prefer_ceil"), (std::vector<float>{10, 30, 40}));
}

TEST(ResizeTest, BilinearHalfPixelAndAlignCorners) {
  Tensor x = floats({1, 2, 3, 4}, {1, 1, 2, 2});
  Tensor scales = floats({1, 1, 2, 2}, {4});
  auto r = run_op("Resize", resize_attrs("linear"), {&x, nullptr, &scales}, 13);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  expect_floats((*r)[0], {1, 1, 4, 4},
                {1, 1.25f, 1.75f, 2, 1.5f, 1.75f, 2.25f, 2.5f, 2.5f, 2.75f, 3.25f, 3.5f, 3, 3.25f, 3.75f, 4});
  Tensor sizes = ints({1, 1, 3, 3}, {4});
  auto ac = run_op("Resize", resize_attrs("linear", "align_corners"), {&x, nullptr, nullptr, &sizes}, 13);
  ASSERT_TRUE(ac.is_ok());
  expect_floats((*ac)[0], {1, 1, 3, 3}, {1, 1.5f, 2, 2, 2.5f, 3, 3, 3.5f, 4});
}

TEST(ResizeTest, LegacyOpsMapCoordinatesAsymmetrically) {
  Tensor x = floats({1, 2, 3, 4}, {1, 4});
  Tensor scales = floats({1, 2}, {2});
  // Resize-10 and Upsample-9 linear: x' = x / 2, edge clamped.
  auto r10 = run_op("Resize", {{"mode", std::string("linear")}}, {&x, &scales}, 10);
  ASSERT_TRUE(r10.is_ok()) << r10.status().to_string();
  expect_floats((*r10)[0], {1, 8}, {1, 1.5f, 2, 2.5f, 3, 3.5f, 4, 4});
  auto up = run_op("Upsample", {{"mode", std::string("linear")}}, {&x, &scales}, 9);
  ASSERT_TRUE(up.is_ok());
  expect_floats((*up)[0], {1, 8}, {1, 1.5f, 2, 2.5f, 3, 3.5f, 4, 4});
  Tensor extra = ints({1, 8}, {2});
  EXPECT_FALSE(run_op("Resize", {}, {&x, &scales, &scales, &extra}, 10).is_ok());
}

TEST(ResizeTest, OutputSizeFromScalesIsFloored) {
  Tensor x = floats({1, 2, 3, 4, 5, 6, 7, 8}, {1, 1, 2, 4});
  Tensor scales = floats({1, 1, 0.6f, 0.6f}, {4});
  auto r = run_op("Resize", resize_attrs("linear"), {&x, nullptr, &scales}, 13);
  ASSERT_TRUE(r.is_ok());
  expect_floats((*r)[0], {1, 1, 1, 2}, {2.6666665f, 4.333333f});
}

TEST(ResizeTest, CropAndResizeExtrapolates) {
  Tensor x = floats({1, 2, 3, 4}, {2, 2});
  Tensor roi = floats({0, 0, 1, 2}, {4});  // x range [0, 2] runs past the right edge
  Tensor sizes = ints({2, 3}, {2});
  std::vector<Attribute> attrs = resize_attrs("linear", "tf_crop_and_resize");
  attrs.push_back({"extrapolation_value", 9.0f});
  auto r = run_op("Resize", attrs, {&x, &roi, nullptr, &sizes}, 13);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  expect_floats((*r)[0], {2, 3}, {1, 2, 9, 3, 4, 9});
}

TEST(ResizeTest, Opset18AxesAndKeepAspectRatio) {
  Tensor x = floats(std::vector<float>(2 * 4 * 8, 1.f), {2, 4, 8});
  Tensor sizes = ints({8, 8}, {2});
  std::vector<Attribute> attrs = {{"axes", std::vector<int64_t>{1, 2}},
                                  {"keep_aspect_ratio_policy", std::string("not_larger")}};
  auto r = run_op("Resize", attrs, {&x, nullptr, nullptr, &sizes}, 18);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->at(0).dims(), (Dims{2, 4, 8}));
  attrs[1] = {"keep_aspect_ratio_policy", std::string("not_smaller")};
  auto r2 = run_op("Resize", attrs, {&x, nullptr, nullptr, &sizes}, 18);
  ASSERT_TRUE(r2.is_ok());
  EXPECT_EQ(r2->at(0).dims(), (Dims{2, 8, 16}));
}

TEST(ResizeTest, CubicMatchesONNXExampleCorner) {
  // ONNX test_resize_upsample_scales_cubic, first output value: 0.47265625.
  std::vector<float> v(16);
  for (int i = 0; i < 16; ++i) v[i] = static_cast<float>(i + 1);
  Tensor x = floats(v, {1, 1, 4, 4});
  Tensor scales = floats({1, 1, 2, 2}, {4});
  auto r = run_op("Resize", resize_attrs("cubic"), {&x, nullptr, &scales}, 13);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_NEAR(r->at(0).data<float>()[0], 0.47265625f, 1e-5f);
}

TEST(ResizeTest, SymbolicBatchKeepsItsNameAtBuildTime) {
  OneNode n("Resize", resize_attrs("nearest"), 3);
  Tensor scales = floats({1, 1, 2, 2}, {4});
  InferContext ctx(*n.node, 13,
                   {TensorInfo{DType::kFloat32, Shape{Dim::symbolic("batch"), Dim::known(256), Dim::known(20), Dim::known(20)},
                               nullptr, true},
                    TensorInfo{}, TensorInfo{DType::kFloat32, Shape{Dim::known(4)}, &scales, true}});
  ASSERT_TRUE(find_op_schema("", "Resize")->infer(ctx).is_ok());
  EXPECT_EQ(shape_to_string(*ctx.output(0).shape), "[batch,256,40,40]");
  // Scales not known: dims unknown, rank kept.
  InferContext ctx2(*n.node, 13,
                    {TensorInfo{DType::kFloat32, Shape{Dim::known(1), Dim::known(2), Dim::known(3), Dim::known(3)}, nullptr, true},
                     TensorInfo{}, TensorInfo{DType::kFloat32, Shape{Dim::known(4)}, nullptr, true}});
  ASSERT_TRUE(find_op_schema("", "Resize")->infer(ctx2).is_ok());
  EXPECT_EQ(shape_to_string(*ctx2.output(0).shape), "[?,?,?,?]");
}

TEST(ResizeTest, InvalidInputsAreErrors) {
  Tensor x = floats({1, 2, 3, 4}, {1, 1, 2, 2});
  Tensor scales = floats({1, 1, 2, 2}, {4});
  Tensor sizes = ints({1, 1, 4, 4}, {4});
  EXPECT_FALSE(run_op("Resize", {}, {&x, nullptr, &scales, &sizes}, 13).is_ok());  // both
  EXPECT_FALSE(run_op("Resize", {}, {&x}, 13).is_ok());                            // neither
  Tensor zero = floats({1, 1, 0, 2}, {4});
  EXPECT_FALSE(run_op("Resize", {}, {&x, nullptr, &zero}, 13).is_ok());
  Tensor negative = floats({1, 1, -2, 2}, {4});
  EXPECT_FALSE(run_op("Resize", {}, {&x, nullptr, &negative}, 13).is_ok());
  Tensor short_scales = floats({2, 2}, {2});
  EXPECT_FALSE(run_op("Resize", {}, {&x, nullptr, &short_scales}, 13).is_ok());
  Tensor neg_sizes = ints({1, 1, -1, 4}, {4});
  EXPECT_FALSE(run_op("Resize", {}, {&x, nullptr, nullptr, &neg_sizes}, 13).is_ok());
  Tensor huge = floats({1, 1, 1e30f, 1}, {4});
  EXPECT_FALSE(run_op("Resize", {}, {&x, nullptr, &huge}, 13).is_ok());
  EXPECT_FALSE(run_op("Resize", {{"mode", std::string("bogus")}}, {&x, nullptr, &scales}, 13).is_ok());
  EXPECT_FALSE(run_op("Resize", {{"coordinate_transformation_mode", std::string("bogus")}}, {&x, nullptr, &scales}, 13).is_ok());
  EXPECT_FALSE(run_op("Resize", {{"axes", std::vector<int64_t>{2, 3}}}, {&x, nullptr, &scales}, 13).is_ok());
  Tensor two = floats({2, 2}, {2});
  EXPECT_FALSE(run_op("Resize", {{"axes", std::vector<int64_t>{2, 2}}}, {&x, nullptr, &two}, 18).is_ok());
  EXPECT_FALSE(run_op("Resize", resize_attrs("linear", "tf_crop_and_resize"), {&x, nullptr, &scales}, 13).is_ok());
  EXPECT_FALSE(run_op("Upsample", {}, {&x}, 7).is_ok());  // no scales attribute
  EXPECT_FALSE(run_op("Upsample", {{"scales", std::vector<float>{1, 2}}}, {&x}, 7).is_ok());
}

}  // namespace
}  // namespace fovea
