// The stage-2 ops through run_node (shape function + CPU kernel): trigonometric and extra
// activations, Mod/Xor/BitShift/CastLike, Hardmax, LRN, Trilu, EyeLike, OneHot, GatherND,
// ScatterElements/Scatter, Compress, ReverseSequence, MaxUnpool, GridSample, RoiAlign; hand-
// computed values plus an error case per group.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "backends/cpu/cpu_executor.h"
#include "ir/graph.h"
#include "single_op.h"

namespace fovea {
namespace {

using testing::expect_error;
using testing::run1;
using testing::run_op;

using testing::values_of;

Tensor iota(Dims dims) {
  std::vector<float> v(static_cast<size_t>(element_count(dims)));
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i);
  return Tensor::from_vector(v, dims);
}

void expect_near(const Tensor& t, const std::vector<float>& want, float tol = 1e-5f) {
  ASSERT_EQ(static_cast<size_t>(t.numel()), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_NEAR(t.data<float>()[i], want[i], tol) << "element " << i;
}

TEST(ExtraOpsTest, TrigonometricAndActivations) {
  const Tensor x = Tensor::from_vector<float>({-2.f, -0.5f, 0.f, 0.5f, 2.f}, {5});
  expect_near(run1("Sin", {&x}), {std::sin(-2.f), std::sin(-.5f), 0, std::sin(.5f), std::sin(2.f)});
  expect_near(run1("Atan", {&x}), {std::atan(-2.f), std::atan(-.5f), 0, std::atan(.5f), std::atan(2.f)});
  expect_near(run1("Asinh", {&x}), {std::asinh(-2.f), std::asinh(-.5f), 0, std::asinh(.5f), std::asinh(2.f)});
  expect_near(run1("Softsign", {&x}), {-2.f / 3, -0.5f / 1.5f, 0, 0.5f / 1.5f, 2.f / 3});
  expect_near(run1("ThresholdedRelu", {&x}, {{"alpha", 0.5f}}), {0, 0, 0, 0, 2});
  expect_near(run1("Celu", {&x}, {{"alpha", 2.f}}), {2 * std::expm1(-1.f), 2 * std::expm1(-.25f), 0, .5f, 2});
  expect_near(run1("Shrink", {&x}, {{"lambd", 1.f}, {"bias", 0.5f}}), {-1.5f, 0, 0, 0, 1.5f});
  const float m = 2.f * std::tanh(std::log1p(std::exp(2.f)));
  EXPECT_NEAR(run1("Mish", {&x}, {}, 18).data<float>()[4], m, 1e-5f);
  const Tensor xi = Tensor::from_vector<int32_t>({-3, -1, 0, 1, 3}, {5});
  EXPECT_EQ(values_of<int32_t>(run1("Shrink", {&xi}, {{"lambd", 1.5f}, {"bias", 1.f}})),
            (std::vector<int32_t>{-2, 0, 0, 0, 2}));

  const float inf = std::numeric_limits<float>::infinity();
  const Tensor special = Tensor::from_vector<float>({-inf, std::nanf(""), 1.f, inf}, {4});
  EXPECT_EQ(values_of<bool>(run1("IsNaN", {&special})), (std::vector<bool>{false, true, false, false}));
  EXPECT_EQ(values_of<bool>(run1("IsInf", {&special})), (std::vector<bool>{true, false, false, true}));
  EXPECT_EQ(values_of<bool>(run1("IsInf", {&special}, {{"detect_positive", int64_t{0}}})),
            (std::vector<bool>{true, false, false, false}));

  expect_error("Sin", {&xi}, {}, 17, "dtype");
  expect_error("IsNaN", {&xi}, {}, 17, "dtype");
  expect_error("Celu", {&x}, {{"alpha", 0.f}}, 17, "alpha");
}

TEST(ExtraOpsTest, ModXorBitShiftCastLike) {
  const Tensor a = Tensor::from_vector<int32_t>({-7, 7, -7, 7, 5, std::numeric_limits<int32_t>::min()}, {6});
  const Tensor b = Tensor::from_vector<int32_t>({3, -3, -3, 3, 0, -1}, {6});
  EXPECT_EQ(values_of<int32_t>(run1("Mod", {&a, &b})), (std::vector<int32_t>{2, -2, -1, 1, 0, 0}));
  EXPECT_EQ(values_of<int32_t>(run1("Mod", {&a, &b}, {{"fmod", int64_t{1}}})),
            (std::vector<int32_t>{-1, 1, -1, 1, 0, 0}));
  const Tensor fa = Tensor::from_vector<float>({-7.5f, 7.5f}, {2});
  const Tensor fb = Tensor::scalar(2.f);
  expect_near(run1("Mod", {&fa, &fb}, {{"fmod", int64_t{1}}}), {-1.5f, 1.5f});
  expect_error("Mod", {&a, &b}, {{"fmod", int64_t{2}}}, 13, "fmod");
  expect_error("Mod", {&a, &fb}, {}, 13, "dtype");

  const Tensor p = Tensor::from_vector<bool>({true, false, true, false}, {2, 2});
  const Tensor q = Tensor::from_vector<bool>({true, false}, {2, 1});
  EXPECT_EQ(values_of<bool>(run1("Xor", {&p, &q})), (std::vector<bool>{false, true, true, false}));

  const Tensor u = Tensor::from_vector<uint8_t>({1, 128, 255}, {3});
  const Tensor s = Tensor::from_vector<uint8_t>({1, 1, 9}, {3});
  EXPECT_EQ(values_of<uint8_t>(run1("BitShift", {&u, &s}, {{"direction", std::string("LEFT")}})),
            (std::vector<uint8_t>{2, 0, 0}));
  EXPECT_EQ(values_of<uint8_t>(run1("BitShift", {&u, &s}, {{"direction", std::string("RIGHT")}})),
            (std::vector<uint8_t>{0, 64, 0}));
  expect_error("BitShift", {&u, &s}, {{"direction", std::string("UP")}}, 11, "direction");
  expect_error("BitShift", {&a, &b}, {{"direction", std::string("LEFT")}}, 11, "dtype");

  const Tensor like = Tensor::scalar<int64_t>(0);
  const Tensor c = run1("CastLike", {&fa, &like}, {}, 15);
  EXPECT_EQ(c.dtype(), DType::kInt64);
  EXPECT_EQ(values_of<int64_t>(c), (std::vector<int64_t>{-7, 7}));
}

TEST(ExtraOpsTest, HardmaxLrnTriluEyeLike) {
  const Tensor x = Tensor::from_vector<float>({1, 3, 3, 0, 5, 2, -1, -2}, {2, 2, 2});
  // Opset 13: last axis; first maximum wins ties.
  EXPECT_EQ(values_of<float>(run1("Hardmax", {&x}, {}, 13)), (std::vector<float>{0, 1, 1, 0, 1, 0, 1, 0}));
  // Opset 11: coerced to [2, 4] at axis 1.
  EXPECT_EQ(values_of<float>(run1("Hardmax", {&x}, {}, 11)), (std::vector<float>{0, 1, 0, 0, 1, 0, 0, 0}));
  expect_error("Hardmax", {&x}, {{"axis", int64_t{3}}}, 13, "out of range");

  const Tensor l = Tensor::from_vector<float>({1, 2, 3}, {1, 3, 1, 1});
  // size 3: channel c sums squares over [c-1, c+1].
  const Tensor y = run1("LRN", {&l}, {{"size", int64_t{3}}, {"alpha", 3.f}, {"beta", 1.f}, {"bias", 1.f}});
  expect_near(y, {1.f / (1 + 5), 2.f / (1 + 14), 3.f / (1 + 13)});
  expect_error("LRN", {&l}, {}, 13, "size");
  const Tensor flat = iota({3});
  expect_error("LRN", {&flat}, {{"size", int64_t{3}}}, 13, "rank");

  const Tensor m = iota({3, 3});
  const Tensor k = Tensor::scalar<int64_t>(1);
  EXPECT_EQ(values_of<float>(run1("Trilu", {&m, &k}, {}, 14)), (std::vector<float>{0, 1, 2, 0, 0, 5, 0, 0, 0}));
  EXPECT_EQ(values_of<float>(run1("Trilu", {&m}, {{"upper", int64_t{0}}}, 14)),
            (std::vector<float>{0, 0, 0, 3, 4, 0, 6, 7, 8}));
  expect_error("Trilu", {&flat}, {}, 14, "rank");

  const Tensor e = run1("EyeLike", {&m}, {{"k", int64_t{-1}}, {"dtype", int64_t{7}}});
  EXPECT_EQ(e.dtype(), DType::kInt64);
  EXPECT_EQ(values_of<int64_t>(e), (std::vector<int64_t>{0, 0, 0, 1, 0, 0, 0, 1, 0}));
  expect_error("EyeLike", {&flat}, {}, 13, "rank");
}

TEST(ExtraOpsTest, OneHotGatherNDScatterElements) {
  const Tensor idx = Tensor::from_vector<int64_t>({0, -1, 5}, {3});
  const Tensor depth = Tensor::scalar<float>(3.f);
  const Tensor vals = Tensor::from_vector<int32_t>({-1, 7}, {2});
  Tensor oh = run1("OneHot", {&idx, &depth, &vals}, {}, 11);
  EXPECT_EQ(oh.dims(), (Dims{3, 3}));
  EXPECT_EQ(values_of<int32_t>(oh), (std::vector<int32_t>{7, -1, -1, -1, -1, 7, -1, -1, -1}));
  oh = run1("OneHot", {&idx, &depth, &vals}, {{"axis", int64_t{0}}}, 11);
  EXPECT_EQ(values_of<int32_t>(oh), (std::vector<int32_t>{7, -1, -1, -1, -1, -1, -1, 7, -1}));
  const Tensor zero_depth = Tensor::scalar<int64_t>(0);
  expect_error("OneHot", {&idx, &zero_depth, &vals}, {}, 11, "depth");
  const Tensor three_vals = Tensor::from_vector<int32_t>({0, 1, 2}, {3});
  expect_error("OneHot", {&idx, &depth, &three_vals}, {}, 11, "values");

  const Tensor data = iota({2, 2, 2});
  const Tensor nd = Tensor::from_vector<int64_t>({1, 0, 0, -1}, {2, 2});
  Tensor g = run1("GatherND", {&data, &nd}, {}, 13);
  EXPECT_EQ(g.dims(), (Dims{2, 2}));
  EXPECT_EQ(values_of<float>(g), (std::vector<float>{4, 5, 2, 3}));
  const Tensor bidx = Tensor::from_vector<int64_t>({1, 0}, {2, 1});
  g = run1("GatherND", {&data, &bidx}, {{"batch_dims", int64_t{1}}}, 13);
  EXPECT_EQ(g.dims(), (Dims{2, 2}));
  EXPECT_EQ(values_of<float>(g), (std::vector<float>{2, 3, 4, 5}));
  const Tensor oob = Tensor::from_vector<int64_t>({2, 0}, {1, 2});
  expect_error("GatherND", {&data, &oob}, {}, 13, "out of range");
  const Tensor too_long = Tensor::from_vector<int64_t>({0, 0, 0, 0}, {1, 4});
  expect_error("GatherND", {&data, &too_long}, {}, 13, "last dim");

  const Tensor base = Tensor::from_vector<float>({1, 2, 3, 4, 5, 6}, {2, 3});
  const Tensor si = Tensor::from_vector<int64_t>({2, -1, 0}, {1, 3});
  const Tensor su = Tensor::from_vector<float>({10, 20, 30}, {1, 3});
  EXPECT_EQ(values_of<float>(run1("ScatterElements", {&base, &si, &su}, {{"axis", int64_t{1}}}, 13)),
            (std::vector<float>{30, 2, 20, 4, 5, 6}));
  EXPECT_EQ(values_of<float>(run1("ScatterElements", {&base, &si, &su},
                                  {{"axis", int64_t{1}}, {"reduction", std::string("add")}}, 16)),
            (std::vector<float>{31, 2, 33, 4, 5, 6}));
  EXPECT_EQ(values_of<float>(run1("ScatterElements", {&base, &si, &su},
                                  {{"axis", int64_t{1}}, {"reduction", std::string("max")}}, 18)),
            (std::vector<float>{30, 2, 20, 4, 5, 6}));
  EXPECT_EQ(values_of<float>(run1("Scatter", {&base, &si, &su}, {{"axis", int64_t{1}}}, 9)),
            (std::vector<float>{30, 2, 20, 4, 5, 6}));
  const Tensor bad = Tensor::from_vector<int64_t>({3, 0, 0}, {1, 3});
  expect_error("ScatterElements", {&base, &bad, &su}, {{"axis", int64_t{1}}}, 13, "out of range");
  expect_error("Scatter", {&base, &si, &su}, {{"reduction", std::string("add")}}, 9, "reduction");
}

TEST(ExtraOpsTest, CompressReverseSequenceMaxUnpool) {
  const Tensor x = iota({3, 2});
  const Tensor cond = Tensor::from_vector<bool>({false, true, true}, {3});
  Tensor c = run1("Compress", {&x, &cond}, {{"axis", int64_t{0}}}, 11);
  EXPECT_EQ(c.dims(), (Dims{2, 2}));
  EXPECT_EQ(values_of<float>(c), (std::vector<float>{2, 3, 4, 5}));
  c = run1("Compress", {&x, &cond}, {}, 11);  // flattened
  EXPECT_EQ(values_of<float>(c), (std::vector<float>{1, 2}));
  const Tensor long_cond = Tensor::from_vector<bool>({false, false, true}, {3});
  expect_error("Compress", {&x, &long_cond}, {{"axis", int64_t{1}}}, 11, "beyond");

  const Tensor seq = iota({3, 2});  // [time, batch]
  const Tensor lens = Tensor::from_vector<int64_t>({3, 2}, {2});
  EXPECT_EQ(values_of<float>(run1("ReverseSequence", {&seq, &lens}, {}, 10)), (std::vector<float>{4, 3, 2, 1, 0, 5}));
  const Tensor bad_lens = Tensor::from_vector<int64_t>({4, 1}, {2});
  expect_error("ReverseSequence", {&seq, &bad_lens}, {}, 10, "outside");

  const Tensor pooled = Tensor::from_vector<float>({5, 6, 7, 8}, {1, 1, 2, 2});
  const Tensor where = Tensor::from_vector<int64_t>({5, 7, 13, 15}, {1, 1, 2, 2});
  const std::vector<Attribute> attrs = {{"kernel_shape", std::vector<int64_t>{2, 2}},
                                        {"strides", std::vector<int64_t>{2, 2}}};
  Tensor y = run1("MaxUnpool", {&pooled, &where}, attrs, 11);
  EXPECT_EQ(y.dims(), (Dims{1, 1, 4, 4}));
  EXPECT_EQ(y.data<float>()[5], 5.f);
  EXPECT_EQ(y.data<float>()[15], 8.f);
  const Tensor shape = Tensor::from_vector<int64_t>({1, 1, 5, 5}, {4});
  y = run1("MaxUnpool", {&pooled, &where, &shape}, attrs, 11);
  EXPECT_EQ(y.dims(), (Dims{1, 1, 5, 5}));
  EXPECT_EQ(y.data<float>()[6], 5.f);  // (1, 1) of the 4x4 default, re-addressed in 5x5
  EXPECT_EQ(y.data<float>()[18], 8.f);
  const Tensor out_of_range = Tensor::from_vector<int64_t>({5, 7, 13, 16}, {1, 1, 2, 2});
  expect_error("MaxUnpool", {&pooled, &out_of_range}, attrs, 11, "outside");
  expect_error("MaxUnpool", {&pooled, &where}, {}, 11, "kernel_shape");
}

TEST(ExtraOpsTest, GridSampleAndRoiAlign) {
  const Tensor img = iota({1, 1, 2, 2});  // [[0, 1], [2, 3]]
  // Corners with align_corners=1 hit pixel centres; the centre (0, 0) averages all four.
  const Tensor grid = Tensor::from_vector<float>({-1, -1, 1, 1, 0, 0, 3, 0}, {1, 1, 4, 2});
  Tensor y = run1("GridSample", {&img, &grid}, {{"align_corners", int64_t{1}}}, 16);
  EXPECT_EQ(y.dims(), (Dims{1, 1, 1, 4}));
  expect_near(y, {0, 3, 1.5f, 0});  // x = 3 is outside: zeros padding
  y = run1("GridSample", {&img, &grid}, {{"align_corners", int64_t{1}}, {"padding_mode", std::string("border")}}, 16);
  expect_near(y, {0, 3, 1.5f, 2});  // (2, 0.5) clamps to x = 1: mean of 1 and 3
  y = run1("GridSample", {&img, &grid}, {{"align_corners", int64_t{1}}, {"mode", std::string("nearest")}}, 16);
  expect_near(y, {0, 3, 0, 0});  // 0.5 rounds to even (0)
  const Tensor bad_grid = Tensor::from_vector<float>({0, 0, 0}, {1, 1, 1, 3});
  expect_error("GridSample", {&img, &bad_grid}, {}, 16, "last dim");
  expect_error("GridSample", {&img, &grid}, {{"mode", std::string("cubic")}}, 16, "mode");

  const Tensor x = iota({1, 1, 4, 4});
  const Tensor rois = Tensor::from_vector<float>({0, 0, 2, 2}, {1, 4});
  const Tensor bi = Tensor::from_vector<int64_t>({0}, {1});
  // half_pixel: box [-0.5, 1.5]^2, one bin, 2x2 samples at 0 and 1 -> mean of x[0..1][0..1].
  y = run1("RoiAlign", {&x, &rois, &bi}, {}, 16);
  EXPECT_EQ(y.dims(), (Dims{1, 1, 1, 1}));
  expect_near(y, {(0 + 1 + 4 + 5) / 4.f});
  const Tensor bad_bi = Tensor::from_vector<int64_t>({1}, {1});
  expect_error("RoiAlign", {&x, &rois, &bad_bi}, {}, 16, "batch index");
  const Tensor bad_rois = Tensor::from_vector<float>({0, 0, 2}, {1, 3});
  expect_error("RoiAlign", {&x, &bad_rois, &bi}, {}, 16, "rois");
}

// Random shapes, dtypes, index values and attributes: every result is a Status, never a crash.
TEST(ExtraOpsTest, RandomMalformedInputsNeverCrash) {
  uint64_t state = 987654321;
  auto next = [&](int64_t lo, int64_t hi) {  // inclusive range
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return lo + static_cast<int64_t>((state >> 33) % static_cast<uint64_t>(hi - lo + 1));
  };
  auto pick = [&](size_t n) { return static_cast<size_t>(next(0, static_cast<int64_t>(n) - 1)); };
  auto pick_int = [&]() -> int64_t {
    switch (next(0, 11)) {
      case 0: return std::numeric_limits<int64_t>::max();
      case 1: return std::numeric_limits<int64_t>::min();
      default: return next(-5, 5);
    }
  };
  auto random_dims = [&](int64_t max_rank) {
    Dims dims(static_cast<size_t>(next(0, max_rank)));
    for (auto& d : dims) d = next(0, 4);
    return dims;
  };
  auto random_tensor = [&]() {
    const Dims dims = random_dims(5);
    const size_t n = static_cast<size_t>(element_count(dims));
    switch (next(0, 5)) {
      case 0: {
        std::vector<int64_t> v(n);
        for (auto& x : v) x = pick_int();
        return Tensor::from_vector(v, dims);
      }
      case 1: {
        std::vector<bool> v(n);
        for (size_t i = 0; i < n; ++i) v[i] = next(0, 1) == 1;
        return Tensor::from_vector(v, dims);
      }
      case 2: {
        std::vector<uint8_t> v(n);
        for (auto& x : v) x = static_cast<uint8_t>(next(0, 255));
        return Tensor::from_vector(v, dims);
      }
      default: {
        std::vector<float> v(n);
        for (auto& x : v) {
          const int64_t k = next(0, 20);
          x = k == 0 ? std::nanf("") : k == 1 ? 1e30f : k == 2 ? -std::numeric_limits<float>::infinity()
                                                             : static_cast<float>(next(-6, 6)) / 2;
        }
        return Tensor::from_vector(v, dims);
      }
    }
  };
  const std::vector<std::pair<std::string, int>> ops = {
      {"Sin", 1}, {"Acosh", 1}, {"IsInf", 1}, {"IsNaN", 1}, {"Celu", 1}, {"Shrink", 1}, {"Mish", 1},
      {"Mod", 2}, {"Xor", 2}, {"BitShift", 2}, {"CastLike", 2}, {"Hardmax", 1}, {"LRN", 1}, {"Trilu", 2},
      {"EyeLike", 1}, {"OneHot", 3}, {"GatherND", 2}, {"ScatterElements", 3}, {"Scatter", 3}, {"Compress", 2},
      {"ReverseSequence", 2}, {"MaxUnpool", 3}, {"GridSample", 2}, {"RoiAlign", 3}};
  const std::vector<std::string> int_attrs = {"axis", "k", "upper", "fmod", "batch_dims", "batch_axis", "time_axis",
                                              "size", "dtype", "output_height", "output_width", "sampling_ratio",
                                              "align_corners", "detect_negative"};
  const std::vector<std::pair<std::string, std::vector<std::string>>> string_attrs = {
      {"direction", {"LEFT", "RIGHT", "x"}}, {"reduction", {"none", "add", "mul", "max", "min", "avg"}},
      {"mode", {"bilinear", "nearest", "bicubic", "avg", "max", "x"}},
      {"padding_mode", {"zeros", "border", "reflection"}},
      {"coordinate_transformation_mode", {"half_pixel", "output_half_pixel"}}};
  int ok = 0;
  for (int iter = 0; iter < 30000; ++iter) {
    const auto& [op, max_inputs] = ops[pick(ops.size())];
    std::vector<Tensor> storage;
    for (int i = 0; i < max_inputs; ++i) storage.push_back(random_tensor());
    std::vector<Attribute> attrs;
    for (int a = static_cast<int>(next(0, 3)); a > 0; --a) {
      if (next(0, 2) == 0) {
        const auto& [name, choices] = string_attrs[pick(string_attrs.size())];
        attrs.push_back({name, choices[pick(choices.size())]});
      } else if (next(0, 3) == 0) {
        attrs.push_back({next(0, 1) ? "kernel_shape" : "strides", std::vector<int64_t>{next(-1, 3), next(-1, 3)}});
      } else {
        attrs.push_back({int_attrs[pick(int_attrs.size())], pick_int()});
      }
    }
    std::vector<const Tensor*> inputs;
    const int n_inputs = static_cast<int>(next(1, max_inputs));
    for (int i = 0; i < n_inputs; ++i) inputs.push_back(next(0, 9) == 0 && i > 0 ? nullptr : &storage[i]);
    const int64_t opset = next(0, 1) ? 18 : next(9, 17);
    auto r = run_op(op, inputs, attrs, opset);
    if (r.is_ok()) ++ok;
  }
  EXPECT_GT(ok, 100);  // a share of the random cases is valid and runs
}

}  // namespace
}  // namespace fovea
