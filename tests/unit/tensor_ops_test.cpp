// Tensor (data movement) ops through run_node (shape function + CPU kernel), their opset
// variants, errors on invalid input, and build-time folding of shape arithmetic.
#include <gtest/gtest.h>

#include <limits>

#include "backends/cpu/cpu_executor.h"
#include "engine/model_import.h"
#include "ir/graph.h"
#include "single_op.h"

namespace fovea {
namespace {

using testing::expect_error;
using testing::run1;
using testing::run_op;

using testing::values_of;

Tensor ints(std::vector<int64_t> v) {
  const int64_t n = static_cast<int64_t>(v.size());
  return Tensor::from_vector<int64_t>(v, {n});
}

Tensor iota(Dims dims) {
  std::vector<float> v(static_cast<size_t>(element_count(dims)));
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i);
  return Tensor::from_vector(v, dims);
}

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

TEST(TensorOpsTest, ConcatAlongLastAxisAndErrors) {
  const Tensor a = Tensor::from_vector<int64_t>({1, 2, 3, 4}, {2, 2});
  const Tensor b = Tensor::from_vector<int64_t>({5, 6}, {2, 1});
  const Tensor y = run1("Concat", {&a, &b}, {{"axis", int64_t{-1}}});
  EXPECT_EQ(y.dims(), (Dims{2, 3}));
  EXPECT_EQ(values_of<int64_t>(y), (std::vector<int64_t>{1, 2, 5, 3, 4, 6}));
  const Tensor c = Tensor::from_vector<int64_t>({1, 2, 3}, {3, 1});
  expect_error("Concat", {&a, &c}, {{"axis", int64_t{1}}}, 13, "differs");
  expect_error("Concat", {&a, &b}, {{"axis", int64_t{2}}}, 13, "out of range");
  const Tensor f = Tensor::from_vector<float>({1, 2}, {2, 1});
  expect_error("Concat", {&a, &f}, {{"axis", int64_t{1}}}, 13, "dtype");
}

TEST(TensorOpsTest, SplitByAttributeInputAndNumOutputs) {
  const Tensor x = iota({2, 5});
  auto r = run_op("Split", {&x}, {{"axis", int64_t{1}}, {"split", std::vector<int64_t>{2, 3}}}, 11, 2);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(values_of<float>((*r)[0]), (std::vector<float>{0, 1, 5, 6}));
  EXPECT_EQ(values_of<float>((*r)[1]), (std::vector<float>{2, 3, 4, 7, 8, 9}));

  const Tensor sizes = ints({4, 1});
  r = run_op("Split", {&x, &sizes}, {{"axis", int64_t{1}}}, 13, 2);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ((*r)[0].dims(), (Dims{2, 4}));
  EXPECT_EQ(values_of<float>((*r)[1]), (std::vector<float>{4, 9}));

  // Opset 18: 5 into 3 chunks of ceil(5/3) = 2, the last one smaller.
  r = run_op("Split", {&x}, {{"axis", int64_t{1}}, {"num_outputs", int64_t{3}}}, 18, 3);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ((*r)[0].dims(), (Dims{2, 2}));
  EXPECT_EQ((*r)[2].dims(), (Dims{2, 1}));
  EXPECT_EQ(values_of<float>((*r)[2]), (std::vector<float>{4, 9}));

  const Tensor bad = ints({2, 2});
  expect_error("Split", {&x, &bad}, {{"axis", int64_t{1}}}, 13, "sum to 4", 2);
  expect_error("Split", {&x}, {{"axis", int64_t{1}}}, 13, "equal parts", 2);
  expect_error("Split", {&x}, {{"axis", int64_t{1}}, {"num_outputs", int64_t{2}}}, 18, "num_outputs", 3);
}

TEST(TensorOpsTest, SliceAttributesBeforeOpset10) {
  const Tensor x = iota({3, 4});
  const Tensor y = run1("Slice", {&x},
                        {{"starts", std::vector<int64_t>{1, -3}}, {"ends", std::vector<int64_t>{kMax, 3}}}, 9);
  EXPECT_EQ(y.dims(), (Dims{2, 2}));
  EXPECT_EQ(values_of<float>(y), (std::vector<float>{5, 6, 9, 10}));
}

TEST(TensorOpsTest, SliceInputsNegativeStepsAndClamping) {
  const Tensor x = iota({3, 4});
  // Reverse the last axis completely: start -1, end INT64_MIN, step -1.
  const Tensor starts = ints({-1}), ends = ints({kMin}), axes = ints({-1}), steps = ints({-1});
  Tensor y = run1("Slice", {&x, &starts, &ends, &axes, &steps});
  EXPECT_EQ(y.dims(), (Dims{3, 4}));
  EXPECT_EQ(values_of<float>(y), (std::vector<float>{3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8}));
  // Step 2 from 0 to far past the end, on axis 0 and 1.
  const Tensor s2 = ints({0, 1}), e2 = ints({kMax, 100}), st2 = ints({2, 2});
  y = run1("Slice", {&x, &s2, &e2, nullptr, &st2});
  EXPECT_EQ(y.dims(), (Dims{2, 2}));
  EXPECT_EQ(values_of<float>(y), (std::vector<float>{1, 3, 9, 11}));
  // Start past the end: empty.
  const Tensor s3 = ints({10}), e3 = ints({20});
  y = run1("Slice", {&x, &s3, &e3});
  EXPECT_EQ(y.dims(), (Dims{0, 4}));

  const Tensor zero = ints({0});
  expect_error("Slice", {&x, &starts, &ends, &axes, &zero}, {}, 13, "step is 0");
  const Tensor far_axis = ints({2});
  expect_error("Slice", {&x, &starts, &ends, &far_axis}, {}, 13, "out of range");
  const Tensor two = ints({0, 0});
  expect_error("Slice", {&x, &starts, &two}, {}, 13, "ends");
}

TEST(TensorOpsTest, ReshapeCopiesZerosInfersMinusOneAndReturnsAView) {
  const Tensor x = iota({2, 3, 4});
  const Tensor shape = ints({0, -1});
  const Tensor y = run1("Reshape", {&x, &shape});
  EXPECT_EQ(y.dims(), (Dims{2, 12}));
  EXPECT_EQ(y.raw_data(), x.raw_data());  // a view, no copy

  const Tensor empty = Tensor::from_vector<float>({}, {0, 3});
  const Tensor zero_shape = ints({3, 0});
  EXPECT_EQ(run1("Reshape", {&empty, &zero_shape}, {{"allowzero", int64_t{1}}}, 14).dims(), (Dims{3, 0}));

  const Tensor bad = ints({5, -1});
  expect_error("Reshape", {&x, &bad}, {}, 13, "do not divide");
  const Tensor two = ints({-1, -1});
  expect_error("Reshape", {&x, &two}, {}, 13, "more than one -1");
  const Tensor wrong = ints({2, 3, 5});
  expect_error("Reshape", {&x, &wrong}, {}, 13, "element counts differ");
  const Tensor neg = ints({-2, 12});
  expect_error("Reshape", {&x, &neg}, {}, 13, "invalid dim");
  const Tensor copy_far = ints({0, 0, 0, 0});
  expect_error("Reshape", {&x, &copy_far}, {}, 13, "rank");
}

TEST(TensorOpsTest, FlattenTransposeSqueezeUnsqueeze) {
  const Tensor x = iota({2, 3, 4});
  EXPECT_EQ(run1("Flatten", {&x}, {{"axis", int64_t{0}}}).dims(), (Dims{1, 24}));
  EXPECT_EQ(run1("Flatten", {&x}, {{"axis", int64_t{-1}}}).dims(), (Dims{6, 4}));
  expect_error("Flatten", {&x}, {{"axis", int64_t{4}}}, 13, "out of range");

  const Tensor m = iota({2, 3});
  Tensor t = run1("Transpose", {&m});
  EXPECT_EQ(t.dims(), (Dims{3, 2}));
  EXPECT_EQ(values_of<float>(t), (std::vector<float>{0, 3, 1, 4, 2, 5}));
  t = run1("Transpose", {&x}, {{"perm", std::vector<int64_t>{1, 2, 0}}});
  EXPECT_EQ(t.dims(), (Dims{3, 4, 2}));
  EXPECT_EQ(t.data<float>()[1], 12.f);
  expect_error("Transpose", {&x}, {{"perm", std::vector<int64_t>{0, 0, 1}}}, 13, "permutation");

  const Tensor s = iota({1, 3, 1});
  EXPECT_EQ(run1("Squeeze", {&s}, {}, 11).dims(), (Dims{3}));
  EXPECT_EQ(run1("Squeeze", {&s}, {{"axes", std::vector<int64_t>{-1}}}, 11).dims(), (Dims{1, 3}));
  const Tensor axis0 = ints({0});
  EXPECT_EQ(run1("Squeeze", {&s, &axis0}, {}, 13).dims(), (Dims{3, 1}));
  const Tensor axis1 = ints({1});
  expect_error("Squeeze", {&s, &axis1}, {}, 13, "size 3");

  const Tensor axes = ints({-1, 0});
  const Tensor u = run1("Unsqueeze", {&m, &axes}, {}, 13);
  EXPECT_EQ(u.dims(), (Dims{1, 2, 3, 1}));
  EXPECT_EQ(run1("Unsqueeze", {&m}, {{"axes", std::vector<int64_t>{1}}}, 11).dims(), (Dims{2, 1, 3}));
  const Tensor dup = ints({0, 0});
  expect_error("Unsqueeze", {&m, &dup}, {}, 13, "repeat");
  const Tensor far = ints({5});
  expect_error("Unsqueeze", {&m, &far}, {}, 13, "out of range");
}

TEST(TensorOpsTest, ExpandAndTile) {
  const Tensor x = Tensor::from_vector<float>({1, 2, 3}, {3, 1});
  const Tensor shape = ints({2, 1, 2});
  const Tensor y = run1("Expand", {&x, &shape});
  EXPECT_EQ(y.dims(), (Dims{2, 3, 2}));
  EXPECT_EQ(values_of<float>(y), (std::vector<float>{1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3}));
  const Tensor bad = ints({4, 2});
  expect_error("Expand", {&x, &bad}, {}, 13, "broadcast");

  const Tensor b = Tensor::from_vector<bool>({true, false}, {1, 2});
  const Tensor reps = ints({2, 2});
  const Tensor t = run1("Tile", {&b, &reps});
  EXPECT_EQ(t.dims(), (Dims{2, 4}));
  EXPECT_EQ(values_of<bool>(t), (std::vector<bool>{true, false, true, false, true, false, true, false}));
  const Tensor neg = ints({1, -1});
  expect_error("Tile", {&b, &neg}, {}, 13, "negative");
  const Tensor short_reps = ints({2});
  expect_error("Tile", {&b, &short_reps}, {}, 13, "rank");
}

TEST(TensorOpsTest, GatherAnyAxisNegativeIndicesAndOutOfRange) {
  const Tensor x = iota({3, 4});
  const Tensor idx = Tensor::from_vector<int32_t>({-1, 0}, {2});
  Tensor y = run1("Gather", {&x, &idx});
  EXPECT_EQ(y.dims(), (Dims{2, 4}));
  EXPECT_EQ(values_of<float>(y), (std::vector<float>{8, 9, 10, 11, 0, 1, 2, 3}));
  const Tensor idx2 = Tensor::from_vector<int64_t>({3, 1, 0, 0}, {2, 2});
  y = run1("Gather", {&x, &idx2}, {{"axis", int64_t{1}}});
  EXPECT_EQ(y.dims(), (Dims{3, 2, 2}));
  EXPECT_EQ(values_of<float>(y).size(), 12u);
  EXPECT_EQ(y.data<float>()[4], 7.f);
  const Tensor scalar_idx = Tensor::scalar<int64_t>(2);
  EXPECT_EQ(run1("Gather", {&x, &scalar_idx}).dims(), (Dims{4}));

  const Tensor oob = ints({3});
  expect_error("Gather", {&x, &oob}, {}, 13, "out of range");
  const Tensor oob_neg = ints({-5});
  expect_error("Gather", {&x, &oob_neg}, {{"axis", int64_t{1}}}, 13, "out of range");
  const Tensor fidx = Tensor::from_vector<float>({0}, {1});
  expect_error("Gather", {&x, &fidx}, {}, 13, "int64");

  const Tensor ge_idx = Tensor::from_vector<int64_t>({0, -1, 2, 1}, {2, 2});
  const Tensor ge = run1("GatherElements", {&x, &ge_idx}, {{"axis", int64_t{1}}});
  EXPECT_EQ(values_of<float>(ge), (std::vector<float>{0, 3, 6, 5}));
  const Tensor ge_oob = Tensor::from_vector<int64_t>({4}, {1, 1});
  expect_error("GatherElements", {&x, &ge_oob}, {{"axis", int64_t{1}}}, 13, "out of range");
}

TEST(TensorOpsTest, ScatterNDReductions) {
  const Tensor data = Tensor::from_vector<float>({1, 2, 3, 4}, {2, 2});
  const Tensor idx = Tensor::from_vector<int64_t>({1, 1}, {2, 1});
  const Tensor upd = Tensor::from_vector<float>({10, 20, 30, 40}, {2, 2});
  EXPECT_EQ(values_of<float>(run1("ScatterND", {&data, &idx, &upd})), (std::vector<float>{1, 2, 30, 40}));
  EXPECT_EQ(values_of<float>(run1("ScatterND", {&data, &idx, &upd}, {{"reduction", std::string("add")}}, 16)),
            (std::vector<float>{1, 2, 43, 64}));
  EXPECT_EQ(values_of<float>(run1("ScatterND", {&data, &idx, &upd}, {{"reduction", std::string("mul")}}, 16)),
            (std::vector<float>{1, 2, 900, 3200}));
  const Tensor elem_idx = Tensor::from_vector<int64_t>({0, 1}, {1, 2});
  const Tensor one = Tensor::from_vector<float>({9}, {1});
  EXPECT_EQ(values_of<float>(run1("ScatterND", {&data, &elem_idx, &one})), (std::vector<float>{1, 9, 3, 4}));

  const Tensor oob = Tensor::from_vector<int64_t>({2}, {1, 1});
  const Tensor row = Tensor::from_vector<float>({0, 0}, {1, 2});
  expect_error("ScatterND", {&data, &oob, &row}, {}, 13, "out of range");
  expect_error("ScatterND", {&data, &idx, &one}, {}, 13, "updates have shape");
  expect_error("ScatterND", {&data, &idx, &upd}, {{"reduction", std::string("avg")}}, 16, "reduction");
}

TEST(TensorOpsTest, ShapeSizeConstants) {
  const Tensor x = iota({2, 3, 4});
  EXPECT_EQ(values_of<int64_t>(run1("Shape", {&x})), (std::vector<int64_t>{2, 3, 4}));
  EXPECT_EQ(values_of<int64_t>(run1("Shape", {&x}, {{"start", int64_t{-2}}}, 15)), (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(values_of<int64_t>(run1("Shape", {&x}, {{"start", int64_t{1}}, {"end", int64_t{-1}}}, 15)),
            (std::vector<int64_t>{3}));
  EXPECT_EQ(run1("Shape", {&x}, {{"start", int64_t{5}}}, 15).dims(), (Dims{0}));
  const Tensor size = run1("Size", {&x});
  EXPECT_EQ(size.rank(), 0u);
  EXPECT_EQ(size.data<int64_t>()[0], 24);

  EXPECT_EQ(values_of<int64_t>(run1("Constant", {}, {{"value_ints", std::vector<int64_t>{1, 2}}}, 13)),
            (std::vector<int64_t>{1, 2}));
  const Tensor f = run1("Constant", {}, {{"value_float", 2.5f}}, 13);
  EXPECT_EQ(f.rank(), 0u);
  EXPECT_EQ(f.data<float>()[0], 2.5f);
  EXPECT_EQ(run1("Constant", {}, {{"value", Tensor::from_vector<int32_t>({7}, {1})}}).dtype(), DType::kInt32);
  expect_error("Constant", {}, {}, 13, "exactly one");

  const Tensor shape = ints({2, 3});
  Tensor c = run1("ConstantOfShape", {&shape});
  EXPECT_EQ(c.dtype(), DType::kFloat32);
  EXPECT_EQ(values_of<float>(c), (std::vector<float>(6, 0.f)));
  c = run1("ConstantOfShape", {&shape}, {{"value", Tensor::from_vector<int64_t>({5}, {1})}});
  EXPECT_EQ(values_of<int64_t>(c), (std::vector<int64_t>(6, 5)));
  const Tensor huge = ints({int64_t{1} << 20, int64_t{1} << 20});  // 2^40 elements
  auto r = run_op("ConstantOfShape", {&huge});
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("limit"), std::string::npos) << r.status().to_string();
  const Tensor neg = ints({-1});
  expect_error("ConstantOfShape", {&neg}, {}, 13, "negative");
}

TEST(TensorOpsTest, RangeIntAndFloat) {
  const Tensor s = Tensor::scalar<int32_t>(10), l = Tensor::scalar<int32_t>(4), d = Tensor::scalar<int32_t>(-3);
  EXPECT_EQ(values_of<int32_t>(run1("Range", {&s, &l, &d})), (std::vector<int32_t>{10, 7}));
  const Tensor fs = Tensor::scalar<float>(1.f), fl = Tensor::scalar<float>(2.f), fd = Tensor::scalar<float>(0.25f);
  EXPECT_EQ(values_of<float>(run1("Range", {&fs, &fl, &fd})), (std::vector<float>{1.f, 1.25f, 1.5f, 1.75f}));
  const Tensor empty_l = Tensor::scalar<int32_t>(20);
  EXPECT_EQ(run1("Range", {&s, &empty_l, &d}).dims(), (Dims{0}));
  const Tensor zero = Tensor::scalar<int32_t>(0);
  expect_error("Range", {&s, &l, &zero}, {}, 13, "delta is 0");
  const Tensor big_s = Tensor::scalar<int64_t>(0), big_l = Tensor::scalar<int64_t>(kMax), one = Tensor::scalar<int64_t>(1);
  expect_error("Range", {&big_s, &big_l, &one}, {}, 13, "too large");
  expect_error("Range", {&s, &fl, &d}, {}, 13, "dtype");
}

TEST(TensorOpsTest, PadModesOpsetsAndCropping) {
  const Tensor x = Tensor::from_vector<float>({1, 2, 3}, {1, 3});
  const Tensor pads = ints({0, 2, 0, 1});
  const Tensor value = Tensor::scalar<float>(9.f);
  EXPECT_EQ(values_of<float>(run1("Pad", {&x, &pads, &value}, {}, 13)), (std::vector<float>{9, 9, 1, 2, 3, 9}));
  EXPECT_EQ(values_of<float>(run1("Pad", {&x, &pads}, {{"mode", std::string("reflect")}}, 13)),
            (std::vector<float>{3, 2, 1, 2, 3, 2}));
  EXPECT_EQ(values_of<float>(run1("Pad", {&x, &pads}, {{"mode", std::string("edge")}}, 13)),
            (std::vector<float>{1, 1, 1, 2, 3, 3}));
  EXPECT_EQ(values_of<float>(run1("Pad", {&x, &pads}, {{"mode", std::string("wrap")}}, 19)),
            (std::vector<float>{2, 3, 1, 2, 3, 1}));
  // Attributes before opset 11.
  EXPECT_EQ(values_of<float>(run1("Pad", {&x}, {{"pads", std::vector<int64_t>{0, 1, 0, 0}}, {"value", 5.f}}, 7)),
            (std::vector<float>{5, 1, 2, 3}));
  // Negative pads crop; axes input from opset 18.
  const Tensor crop = ints({-1, 1});
  const Tensor axes = ints({-1});
  EXPECT_EQ(values_of<float>(run1("Pad", {&x, &crop, nullptr, &axes}, {}, 18)), (std::vector<float>{2, 3, 0}));

  // Cropping happens before reflecting, as in numpy: pad(x[2:], (0, 3), reflect).
  const Tensor row = Tensor::from_vector<float>({1, 2, 3, 4, 5}, {5});
  const Tensor crop_reflect = ints({-2, 3});
  EXPECT_EQ(values_of<float>(run1("Pad", {&row, &crop_reflect}, {{"mode", std::string("reflect")}}, 13)),
            (std::vector<float>{3, 4, 5, 4, 3, 4}));

  const Tensor too_much = ints({0, -4, 0, 0});
  expect_error("Pad", {&x, &too_much}, {}, 13, "below 0");
  const Tensor odd = ints({1, 1, 1});
  expect_error("Pad", {&x, &odd}, {}, 13, "pads for");
  expect_error("Pad", {&x, &pads}, {{"mode", std::string("mirror")}}, 13, "mode");
}

TEST(TensorOpsTest, DepthToSpaceModesAndSpaceToDepthInverse) {
  const Tensor x = iota({1, 8, 1, 1});
  // DCR: channel c' * 1 + block (i, j) taken from channel (i * 2 + j) * 2 + c'.
  Tensor y = run1("DepthToSpace", {&x}, {{"blocksize", int64_t{2}}});
  EXPECT_EQ(y.dims(), (Dims{1, 2, 2, 2}));
  EXPECT_EQ(values_of<float>(y), (std::vector<float>{0, 2, 4, 6, 1, 3, 5, 7}));
  y = run1("DepthToSpace", {&x}, {{"blocksize", int64_t{2}}, {"mode", std::string("CRD")}});
  EXPECT_EQ(values_of<float>(y), (std::vector<float>{0, 1, 2, 3, 4, 5, 6, 7}));

  const Tensor img = iota({1, 2, 4, 6});
  const Tensor packed = run1("SpaceToDepth", {&img}, {{"blocksize", int64_t{2}}});
  EXPECT_EQ(packed.dims(), (Dims{1, 8, 2, 3}));
  const Tensor back = run1("DepthToSpace", {&packed}, {{"blocksize", int64_t{2}}});
  EXPECT_EQ(values_of<float>(back), values_of<float>(img));

  expect_error("DepthToSpace", {&x}, {{"blocksize", int64_t{3}}}, 13, "multiple");
  expect_error("SpaceToDepth", {&img}, {{"blocksize", int64_t{4}}}, 13, "multiple");
  expect_error("DepthToSpace", {&x}, {{"blocksize", int64_t{0}}}, 13, "positive");
  const Tensor flat = iota({8});
  expect_error("DepthToSpace", {&flat}, {{"blocksize", int64_t{2}}}, 13, "4-D");
}

TEST(TensorOpsTest, NonZeroAndHalfDataMovement) {
  const Tensor x = Tensor::from_vector<float>({0, 1, -0.f, 2, 0, 3}, {2, 3});
  const Tensor y = run1("NonZero", {&x});
  EXPECT_EQ(y.dims(), (Dims{2, 3}));
  EXPECT_EQ(values_of<int64_t>(y), (std::vector<int64_t>{0, 1, 1, 1, 0, 2}));

  std::vector<Half> h;
  for (int i = 0; i < 6; ++i) h.push_back(float_to_half(static_cast<float>(i)));
  const Tensor hx = Tensor::from_vector<Half>(h, {2, 3});
  const Tensor ht = run1("Transpose", {&hx});
  EXPECT_EQ(ht.dtype(), DType::kFloat16);
  EXPECT_EQ(half_to_float(ht.data<Half>()[1]), 3.f);
}

// A graph input, initializers and nodes, prepared like an imported model.
struct ShapeGraph {
  Graph g;
  Value* value(const std::string& name) { return g.find_value(name) ? g.find_value(name) : *g.add_value(name); }
  void constant(const std::string& name, Tensor t) {
    Value* v = value(name);
    v->dtype = t.dtype();
    v->shape = shape_from_dims(t.dims());
    v->constant = std::move(t);
  }
  void node(const std::string& op, std::vector<std::string> in, std::string out, std::vector<Attribute> attrs = {}) {
    Node* n = g.add_node(out + "_node", op);
    for (auto& i : in) n->inputs.push_back(value(i));
    n->outputs.push_back(value(out));
    n->attributes = std::move(attrs);
    ASSERT_TRUE(g.connect(n).is_ok());
  }
};

// x -> Shape -> Gather(0) -> Unsqueeze -> Concat with [-1] -> Reshape(x).
void build_flatten_by_shape_arithmetic(ShapeGraph& sg, Shape input_shape) {
  sg.g.opset = 13;
  Value* x = sg.value("x");
  x->dtype = DType::kFloat32;
  x->shape = std::move(input_shape);
  sg.g.inputs.push_back(x);
  sg.constant("zero", Tensor::scalar<int64_t>(0));
  sg.constant("axes0", ints({0}));
  sg.constant("minus1", ints({-1}));
  sg.node("Shape", {"x"}, "shape");
  sg.node("Gather", {"shape", "zero"}, "batch");
  sg.node("Unsqueeze", {"batch", "axes0"}, "batch1");
  sg.node("Concat", {"batch1", "minus1"}, "target", {{"axis", int64_t{0}}});
  sg.node("Reshape", {"x", "target"}, "y");
  sg.g.outputs.push_back(sg.value("y"));
}

TEST(TensorOpsTest, ShapeArithmeticFoldsAtBuildTime) {
  ShapeGraph sg;
  build_flatten_by_shape_arithmetic(sg, shape_from_dims(Dims{2, 3, 4}));
  ASSERT_TRUE(prepare_graph(sg.g).is_ok());
  ASSERT_TRUE(sg.value("target")->is_constant());
  EXPECT_EQ(values_of<int64_t>(*sg.value("target")->constant), (std::vector<int64_t>{2, -1}));
  EXPECT_EQ(shape_to_string(*sg.value("y")->shape), "[2,12]");
}

TEST(TensorOpsTest, SymbolicBatchSurvivesShapeArithmetic) {
  ShapeGraph sg;
  build_flatten_by_shape_arithmetic(sg, Shape{Dim::symbolic("batch"), Dim::known(3), Dim::known(4)});
  ASSERT_TRUE(prepare_graph(sg.g).is_ok());
  EXPECT_EQ(shape_to_string(*sg.value("y")->shape), "[batch,12]");
  // The graph still runs with a concrete batch.
  auto ex = cpu::CpuExecutor::create(sg.g);
  ASSERT_TRUE(ex.is_ok()) << ex.status().to_string();
  auto out = (*ex)->run({{"x", iota({5, 3, 4})}});
  ASSERT_TRUE(out.is_ok()) << out.status().to_string();
  EXPECT_EQ((*out)[0].dims(), (Dims{5, 12}));
}

TEST(TensorOpsTest, BuildTimeErrorsAndUnknowns) {
  // A constant out-of-range Gather index is an error at build time.
  ShapeGraph sg;
  sg.g.opset = 13;
  Value* x = sg.value("x");
  x->dtype = DType::kFloat32;
  x->shape = shape_from_dims(Dims{2, 3});
  sg.g.inputs.push_back(x);
  sg.constant("idx", ints({7}));
  sg.node("Shape", {"x"}, "s");
  sg.node("Gather", {"s", "idx"}, "g");
  sg.g.outputs.push_back(sg.value("g"));
  Status st = prepare_graph(sg.g);
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("out of range"), std::string::npos) << st.to_string();

  // NonZero of a runtime input has a data-dependent dim.
  ShapeGraph nz;
  nz.g.opset = 13;
  Value* in = nz.value("x");
  in->dtype = DType::kFloat32;
  in->shape = shape_from_dims(Dims{2, 3});
  nz.g.inputs.push_back(in);
  nz.node("NonZero", {"x"}, "idx");
  nz.g.outputs.push_back(nz.value("idx"));
  ASSERT_TRUE(prepare_graph(nz.g).is_ok());
  EXPECT_EQ(shape_to_string(*nz.value("idx")->shape), "[2,?]");
}

TEST(TensorOpsTest, SliceOfWholeSymbolicAxisKeepsTheSymbol) {
  ShapeGraph sg;
  sg.g.opset = 13;
  Value* x = sg.value("x");
  x->dtype = DType::kFloat32;
  x->shape = Shape{Dim::symbolic("batch"), Dim::known(6)};
  sg.g.inputs.push_back(x);
  sg.constant("starts", ints({0, 1}));
  sg.constant("ends", ints({kMax, 5}));
  sg.node("Slice", {"x", "starts", "ends"}, "y");
  sg.g.outputs.push_back(sg.value("y"));
  ASSERT_TRUE(prepare_graph(sg.g).is_ok());
  EXPECT_EQ(shape_to_string(*sg.value("y")->shape), "[batch,4]");
}

TEST(TensorOpsTest, RangeUpToASymbolicDimIsThatLong) {
  ShapeGraph sg;
  sg.g.opset = 13;
  Value* x = sg.value("x");
  x->dtype = DType::kFloat32;
  x->shape = Shape{Dim::known(1), Dim::symbolic("seq")};
  sg.g.inputs.push_back(x);
  sg.constant("one", Tensor::scalar<int64_t>(1));
  sg.constant("zero", Tensor::scalar<int64_t>(0));
  sg.node("Shape", {"x"}, "shape");
  sg.node("Gather", {"shape", "one"}, "len");
  sg.node("Range", {"zero", "len", "one"}, "positions");
  sg.g.outputs.push_back(sg.value("positions"));
  ASSERT_TRUE(prepare_graph(sg.g).is_ok());
  EXPECT_EQ(shape_to_string(*sg.value("positions")->shape), "[seq]");
}

// Random small inputs and attributes, many of them invalid: every run must return a Status
// (ok or not) without crashing; run under ASan by the fuzz build.
TEST(TensorOpsTest, RandomMalformedInputsNeverCrash) {
  uint64_t state = 12345;
  auto next = [&](int64_t lo, int64_t hi) {  // inclusive range
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return lo + static_cast<int64_t>((state >> 33) % static_cast<uint64_t>(hi - lo + 1));
  };
  auto pick_int = [&]() -> int64_t {
    switch (next(0, 9)) {
      case 0: return kMax;
      case 1: return kMin;
      default: return next(-5, 5);
    }
  };
  auto random_data = [&]() {
    Dims dims(static_cast<size_t>(next(0, 4)));
    for (auto& d : dims) d = next(0, 3);
    std::vector<float> v(static_cast<size_t>(element_count(dims)));
    for (auto& x : v) x = static_cast<float>(next(-2, 2));
    if (next(0, 4) == 0) {  // some integer and bool data too
      std::vector<int64_t> iv(v.begin(), v.end());
      return Tensor::from_vector(iv, dims);
    }
    if (next(0, 6) == 0) {
      std::vector<bool> bv;
      for (float x : v) bv.push_back(x > 0);
      return Tensor::from_vector(bv, dims);
    }
    return Tensor::from_vector(v, dims);
  };
  auto random_ints = [&]() {
    std::vector<int64_t> v(static_cast<size_t>(next(0, 5)));
    for (auto& x : v) x = pick_int();
    return next(0, 6) == 0 && !v.empty() ? Tensor::scalar<int64_t>(v[0]) : ints(v);
  };
  const std::vector<std::pair<std::string, int>> ops = {
      {"Concat", 2}, {"Split", 2}, {"Slice", 5}, {"Reshape", 2}, {"Flatten", 1}, {"Transpose", 1},
      {"Squeeze", 2}, {"Unsqueeze", 2}, {"Expand", 2}, {"Tile", 2}, {"Gather", 2}, {"GatherElements", 2},
      {"ScatterND", 3}, {"Shape", 1}, {"Size", 1}, {"ConstantOfShape", 1}, {"Range", 3}, {"Pad", 4},
      {"DepthToSpace", 1}, {"SpaceToDepth", 1}, {"NonZero", 1}};
  int ok = 0;
  for (int iter = 0; iter < 30000; ++iter) {
    const auto& [op, max_inputs] = ops[static_cast<size_t>(next(0, static_cast<int64_t>(ops.size()) - 1))];
    std::vector<Tensor> storage;
    storage.push_back(random_data());
    for (int i = 1; i < max_inputs; ++i) storage.push_back(next(0, 3) == 0 ? random_data() : random_ints());
    if (op == "ConstantOfShape" || op == "Range") storage[0] = random_ints();
    if (op == "Range") storage = {Tensor::scalar<int64_t>(pick_int()), Tensor::scalar<int64_t>(pick_int()),
                                  Tensor::scalar<int64_t>(pick_int())};
    std::vector<const Tensor*> inputs;
    const int n_inputs = static_cast<int>(next(1, max_inputs));
    for (int i = 0; i < n_inputs; ++i) inputs.push_back(next(0, 5) == 0 && i > 0 ? nullptr : &storage[i]);
    std::vector<Attribute> attrs;
    if (next(0, 1)) attrs.push_back({"axis", pick_int()});
    if (next(0, 2) == 0) attrs.push_back({"axes", std::vector<int64_t>{pick_int(), pick_int()}});
    if (next(0, 2) == 0) attrs.push_back({"perm", std::vector<int64_t>{next(-1, 3), next(-1, 3), next(-1, 3)}});
    if (next(0, 2) == 0) attrs.push_back({"blocksize", pick_int()});
    if (next(0, 2) == 0) attrs.push_back({"split", std::vector<int64_t>{pick_int(), pick_int()}});
    if (next(0, 2) == 0) attrs.push_back({"num_outputs", pick_int()});
    if (next(0, 2) == 0) attrs.push_back({"pads", std::vector<int64_t>{pick_int(), pick_int(), pick_int(), pick_int()}});
    if (next(0, 2) == 0) attrs.push_back({"starts", std::vector<int64_t>{pick_int()}});
    if (next(0, 2) == 0) attrs.push_back({"ends", std::vector<int64_t>{pick_int()}});
    if (next(0, 3) == 0) attrs.push_back({"mode", std::string(next(0, 1) ? "reflect" : "edge")});
    const int64_t opsets[] = {7, 9, 11, 13, 15, 18};
    const int64_t opset = opsets[next(0, 5)];
    const size_t n_out = op == "Split" ? static_cast<size_t>(next(1, 3)) : 1;
    auto r = run_op(op, inputs, attrs, opset, n_out);
    ok += r.is_ok() ? 1 : 0;
  }
  EXPECT_GT(ok, 100);  // a share of the random cases is valid and runs
}

}  // namespace
}  // namespace fovea
