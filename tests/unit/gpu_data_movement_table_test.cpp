// The data movement family on the GPU, checked without a GPU: every op is in the kernel table,
// and the launchers' host-side planning (dim coalescing, word widening, transpose detection,
// concat chunking, pad and resize index math) reproduces the CPU reference when the planned
// copy is replayed on the host.
#ifdef FOVEA_HAVE_CUDA

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "backends/cuda/gpu_kernel.h"
#include "backends/cuda/kernels/concat_split.h"
#include "backends/cuda/kernels/pad.h"
#include "backends/cuda/kernels/resize.h"
#include "backends/cuda/kernels/strided_copy.h"
#include "backends/cuda/kernels/word_size.h"
#include "ops/resize_geometry.h"
#include "single_op.h"

namespace fovea::cuda {
namespace {

using fovea::testing::run1;
using fovea::testing::values_of;
namespace k = kernels;

TEST(GpuDataMovementTable, EveryOpHasAKernel) {
  const char* ops[] = {"Transpose", "Concat", "Split", "Slice", "Gather", "GatherElements", "GatherND", "ScatterND",
                       "ScatterElements", "Scatter", "Pad", "Expand", "Tile", "Resize", "Upsample", "DepthToSpace",
                       "SpaceToDepth", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Dropout", "Shape",
                       "Size", "Constant", "ConstantOfShape", "Range", "EyeLike", "OneHot", "Trilu", "CumSum",
                       "ReverseSequence"};
  for (const char* op : ops) {
    const GpuKernelEntry* e = find_gpu_kernel("", op);
    ASSERT_NE(e, nullptr) << op;
    EXPECT_NE(e->run, nullptr) << op;
    EXPECT_FALSE(e->data_dependent) << op;
    EXPECT_EQ(find_gpu_kernel("ai.onnx", op), e) << op;
  }
}

// Replays a planned strided copy on the host, word by word, as the kernel does.
std::vector<std::byte> replay(const k::StridedCopyParams& p, const void* in) {
  k::StridedIndexer ix;
  ix.rank = p.rank;
  for (int d = 0; d < p.rank; ++d) {
    ix.out_dims[d] = p.out_dims[d];
    ix.in_strides[d] = p.in_strides[d];
  }
  const size_t w = static_cast<size_t>(p.element_size);
  std::vector<std::byte> out(static_cast<size_t>(p.count()) * w);
  for (int64_t i = 0; i < p.count(); ++i)
    std::memcpy(&out[static_cast<size_t>(i) * w], static_cast<const std::byte*>(in) + (p.in_offset + ix.offset(i)) * w, w);
  return out;
}

std::vector<float> iota(size_t n) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<float>(i);
  return v;
}

std::vector<float> as_floats(const std::vector<std::byte>& b) {
  std::vector<float> v(b.size() / 4);
  std::memcpy(v.data(), b.data(), b.size());
  return v;
}

TEST(GpuStridedCopyPlan, CoalescesContiguousAndUnitDims) {
  std::vector<int64_t> dims = {2, 1, 3, 4}, strides = {12, 99, 4, 1};
  k::coalesce_strided_dims(dims, strides);
  EXPECT_EQ(dims, (std::vector<int64_t>{24}));
  EXPECT_EQ(strides, (std::vector<int64_t>{1}));
  dims = {2, 3, 4};
  strides = {0, 4, 1};  // broadcast outer dim stays apart
  k::coalesce_strided_dims(dims, strides);
  EXPECT_EQ(dims, (std::vector<int64_t>{2, 12}));
  EXPECT_EQ(strides, (std::vector<int64_t>{0, 1}));
}

TEST(GpuStridedCopyPlan, WidensOnlyWhenEverythingAligns) {
  k::StridedCopyParams p;
  ASSERT_TRUE(k::make_strided_copy({3, 8}, {16, 1}, 4, 4, &p));  // rows of 8 floats out of 16
  k::widen_strided_copy(&p, 256, 512);
  EXPECT_EQ(p.element_size, 16);
  EXPECT_EQ(p.out_dims[1], 2);
  EXPECT_EQ(p.in_strides[0], 4);
  EXPECT_EQ(p.in_offset, 1);
  k::StridedCopyParams q;
  ASSERT_TRUE(k::make_strided_copy({3, 8}, {16, 1}, 1, 4, &q));  // offset of one float: 4 bytes only
  k::widen_strided_copy(&q, 256, 512);
  EXPECT_EQ(q.element_size, 4);
  k::StridedCopyParams r;
  ASSERT_TRUE(k::make_strided_copy({3, 8}, {16, 1}, 0, 4, &r));
  k::widen_strided_copy(&r, 256 + 8, 512);  // input only 8-byte aligned
  EXPECT_EQ(r.element_size, 8);
  k::StridedCopyParams s;
  ASSERT_TRUE(k::make_strided_copy({4, 3}, {1, 4}, 0, 4, &s));  // transposed: innermost not contiguous
  k::widen_strided_copy(&s, 0, 0);
  EXPECT_EQ(s.element_size, 4);
}

TEST(GpuStridedCopyPlan, SliceWithNegativeStepMatchesCpu) {
  // x[::-2, 1:5] of a [5, 6] tensor, as layout_ops.cpp builds it.
  const std::vector<float> v = iota(30);
  Tensor x = Tensor::from_vector<float>(v, {5, 6});
  Tensor starts = Tensor::from_vector<int64_t>({-1, 1}, {2}), ends = Tensor::from_vector<int64_t>({INT64_MIN, 5}, {2});
  Tensor axes = Tensor::from_vector<int64_t>({0, 1}, {2}), steps = Tensor::from_vector<int64_t>({-2, 1}, {2});
  Tensor want = run1("Slice", {&x, &starts, &ends, &axes, &steps}, {}, 13);
  k::StridedCopyParams p;
  ASSERT_TRUE(k::make_strided_copy({3, 4}, {-12, 1}, 4 * 6 + 1, 4, &p));
  k::widen_strided_copy(&p, 0, 0);
  EXPECT_EQ(as_floats(replay(p, v.data())), values_of<float>(want));
}

TEST(GpuStridedCopyPlan, ExpandAndTileMatchCpu) {
  const std::vector<float> v = iota(3);
  Tensor x = Tensor::from_vector<float>(v, {3, 1});
  Tensor shape = Tensor::from_vector<int64_t>({2, 3, 4}, {3});
  Tensor want = run1("Expand", {&x, &shape});
  k::StridedCopyParams p;
  ASSERT_TRUE(k::make_strided_copy({2, 3, 4}, {0, 1, 0}, 0, 4, &p));
  EXPECT_EQ(as_floats(replay(p, v.data())), values_of<float>(want));

  const std::vector<float> t = iota(6);
  Tensor y = Tensor::from_vector<float>(t, {2, 3});
  Tensor repeats = Tensor::from_vector<int64_t>({2, 2}, {2});
  Tensor tiled = run1("Tile", {&y, &repeats});
  k::StridedCopyParams q;  // [r0, d0, r1, d1] with stride 0 on the repeats
  ASSERT_TRUE(k::make_strided_copy({2, 2, 2, 3}, {0, 3, 0, 1}, 0, 4, &q));
  k::widen_strided_copy(&q, 0, 0);
  EXPECT_EQ(as_floats(replay(q, t.data())), values_of<float>(tiled));
}

// Replays a plan (tiled transpose or strided copy) on the host.
std::vector<float> replay_transpose(const std::vector<int64_t>& dims, const std::vector<int64_t>& perm,
                                    const std::vector<float>& v, bool* tiled) {
  const k::TransposePlan plan = k::plan_transpose(dims, perm);
  *tiled = plan.batched_2d;
  std::vector<float> out(v.size());
  if (plan.batched_2d) {
    const auto& t = plan.transpose;
    for (int64_t b = 0; b < t.batch; ++b)
      for (int64_t r = 0; r < t.rows; ++r)
        for (int64_t c = 0; c < t.cols; ++c)
          out[static_cast<size_t>((b * t.cols + c) * t.rows + r)] = v[static_cast<size_t>((b * t.rows + r) * t.cols + c)];
    return out;
  }
  k::StridedCopyParams p;
  EXPECT_TRUE(k::make_strided_copy(plan.copy_dims, plan.copy_strides, 0, 4, &p));
  return as_floats(replay(p, v.data()));
}

TEST(GpuTransposePlan, SpotsBatchedSwapsAndMatchesCpu) {
  struct Case {
    std::vector<int64_t> dims, perm;
    bool tiled;
  };
  const Case cases[] = {
      {{5, 7}, {1, 0}, true},                 // plain 2-D
      {{2, 3, 4, 5}, {0, 2, 3, 1}, true},     // NCHW -> NHWC
      {{2, 4, 5, 3}, {0, 3, 1, 2}, true},     // NHWC -> NCHW
      {{1, 3, 4, 5}, {0, 1, 3, 2}, true},     // swap last two, batch of 1
      {{2, 3, 4}, {2, 0, 1}, true},           // = [6, 4] transposed
      {{2, 3, 4}, {1, 0, 2}, false},          // middle swap keeps the last axis: strided
      {{2, 3, 4, 5}, {3, 1, 0, 2}, false},
  };
  for (const Case& c : cases) {
    const std::vector<float> v = iota(static_cast<size_t>(element_count(c.dims)));
    Tensor x = Tensor::from_vector<float>(v, c.dims);
    Tensor want = run1("Transpose", {&x}, {{"perm", c.perm}});
    bool tiled = false;
    EXPECT_EQ(replay_transpose(c.dims, c.perm, v, &tiled), values_of<float>(want)) << c.dims.size();
    EXPECT_EQ(tiled, c.tiled);
  }
}

TEST(GpuConcatPlan, WidensAndReplaysConcat) {
  // Concat on axis 1 of [2, 2] and [2, 6] floats: rows of 8, chunks at columns 0 and 2.
  std::vector<float> a = iota(4), b = iota(12);
  for (float& f : b) f += 100.f;
  k::ChunkCopyParams p;
  p.count = 2;
  p.outer = 2;
  p.wide_row = 8;
  p.element_size = 4;
  p.chunk_begin[0] = 0;
  p.chunk_begin[1] = 2;
  p.chunk_begin[2] = 8;
  p.chunks[0] = a.data();
  p.chunks[1] = b.data();
  k::ChunkCopyParams wide = p;
  k::widen_chunk_copy(&wide, 0);
  // Both vectors are at least 8-byte aligned; column 2 is 8 bytes in: 8-byte words at most.
  EXPECT_EQ(wide.element_size, 8);
  EXPECT_EQ(wide.chunk_begin[1], 1);
  EXPECT_EQ(wide.wide_row, 4);
  std::vector<float> out(16);
  for (int64_t o = 0; o < p.outer; ++o)
    for (int64_t c = 0; c < p.wide_row; ++c) {
      int j = 0;
      while (j + 1 < p.count && c >= p.chunk_begin[j + 1]) ++j;
      const int64_t width = p.chunk_begin[j + 1] - p.chunk_begin[j];
      out[static_cast<size_t>(o * p.wide_row + c)] =
          static_cast<const float*>(p.chunks[j])[o * width + c - p.chunk_begin[j]];
    }
  Tensor ta = Tensor::from_vector<float>(a, {2, 2}), tb = Tensor::from_vector<float>(b, {2, 6});
  EXPECT_EQ(out, values_of<float>(run1("Concat", {&ta, &tb}, {{"axis", int64_t{1}}})));
}

TEST(GpuWordSize, PicksTheWidestDividingWord) {
  EXPECT_EQ(k::widest_word_size(4, 64, {0, 16}), 16);
  EXPECT_EQ(k::widest_word_size(4, 12, {0, 16}), 4);
  EXPECT_EQ(k::widest_word_size(2, 8, {0, 4}), 4);
  EXPECT_EQ(k::widest_word_size(8, 8, {0, 0}), 8);
}

TEST(GpuPadIndex, ModesMatchCpuPad) {
  // [4] padded by (3, 3) in each mode; the CPU reference is the judge.
  const std::vector<float> v = {1, 2, 3, 4};
  Tensor x = Tensor::from_vector<float>(v, {4});
  Tensor pads = Tensor::from_vector<int64_t>({3, 3}, {2});
  const std::pair<const char*, k::PadKind> modes[] = {
      {"constant", k::PadKind::kConstant}, {"reflect", k::PadKind::kReflect},
      {"edge", k::PadKind::kEdge}, {"wrap", k::PadKind::kWrap}};
  for (const auto& [name, kind] : modes) {
    Tensor want = run1("Pad", {&x, &pads}, {{"mode", std::string(name)}}, 19);
    std::vector<float> got;
    for (int64_t o = 0; o < 10; ++o) {
      const int64_t s = k::pad_source_index(o, 3, 4, kind);
      got.push_back(s < 0 ? 0.f : v[static_cast<size_t>(s)]);
    }
    EXPECT_EQ(got, values_of<float>(want)) << name;
  }
  EXPECT_EQ(k::pad_source_index(0, 1, 0, k::PadKind::kWrap), -1);  // nothing kept: never divides by zero
}

TEST(GpuResizeCoordinate, MatchesTheSharedCpuFormula) {
  const std::pair<CoordinateTransform, k::ResizeCoordinate> transforms[] = {
      {CoordinateTransform::kHalfPixel, k::ResizeCoordinate::kHalfPixel},
      {CoordinateTransform::kHalfPixelSymmetric, k::ResizeCoordinate::kHalfPixelSymmetric},
      {CoordinateTransform::kPytorchHalfPixel, k::ResizeCoordinate::kPytorchHalfPixel},
      {CoordinateTransform::kAlignCorners, k::ResizeCoordinate::kAlignCorners},
      {CoordinateTransform::kAsymmetric, k::ResizeCoordinate::kAsymmetric},
      {CoordinateTransform::kTfHalfPixelForNN, k::ResizeCoordinate::kTfHalfPixelForNN},
      {CoordinateTransform::kTfCropAndResize, k::ResizeCoordinate::kTfCropAndResize}};
  for (const auto& [cpu, gpu] : transforms)
    for (double scale : {0.6, 1.0, 2.0, 1.0 / 7.0})
      for (int64_t x = 0; x < 9; ++x)
        EXPECT_EQ(k::resize_source_coordinate(gpu, static_cast<double>(x), 7, 9, scale, 0.2, 0.9),
                  resize_source_coordinate(cpu, static_cast<double>(x), 7, 9, scale, 0.2, 0.9));
}

// The kernel's per-element sum over the taps of every resized axis, replayed on the host.
std::vector<float> replay_resize(k::ResizeParams p, const Dims& in_dims, const Dims& out_dims,
                                 const std::vector<double>& scales, const std::vector<float>& in) {
  p.rank = static_cast<int>(in_dims.size());
  for (int d = 0; d < p.rank; ++d) {
    k::ResizeAxis& a = p.axes[d];
    a.in_len = in_dims[static_cast<size_t>(d)];
    a.out_len = out_dims[static_cast<size_t>(d)];
    a.scale = scales[static_cast<size_t>(d)];
    a.identity = k::resize_axis_is_identity(p, a);
  }
  std::vector<float> out(static_cast<size_t>(element_count(out_dims)));
  for (int64_t i = 0; i < static_cast<int64_t>(out.size()); ++i) {
    k::ResizeTaps taps[k::kMaxRank];
    int64_t tap_stride[k::kMaxRank];
    int resized = 0;
    int64_t rest = i, base = 0, stride = 1;
    bool outside = false;
    for (int d = p.rank - 1; d >= 0; --d) {
      const k::ResizeAxis& a = p.axes[d];
      const int64_t j = rest % a.out_len;
      rest /= a.out_len;
      if (a.identity) {
        base += j * stride;
      } else {
        taps[resized] = k::resize_axis_taps(p, a, j);
        outside = outside || taps[resized].outside;
        tap_stride[resized++] = stride;
      }
      stride *= a.in_len;
    }
    if (outside) {
      out[static_cast<size_t>(i)] = static_cast<float>(p.extrapolation_value);
      continue;
    }
    int kk[k::kMaxRank] = {};
    double acc = 0.0;
    while (true) {
      double w = 1.0;
      int64_t off = base;
      for (int r = 0; r < resized; ++r) {
        w *= taps[r].weight[kk[r]];
        off += taps[r].index[kk[r]] * tap_stride[r];
      }
      acc += w * in[static_cast<size_t>(off)];
      int r = 0;
      while (r < resized && ++kk[r] == taps[r].count) kk[r++] = 0;
      if (r == resized) break;
    }
    out[static_cast<size_t>(i)] = static_cast<float>(acc);
  }
  return out;
}

TEST(GpuResizeTaps, ReplayMatchesCpuResize) {
  struct Case {
    const char* mode;
    const char* transform;
    k::ResizeInterp interp;
    k::ResizeCoordinate coordinate;
    double scale;
    bool exclude_outside;
  };
  const Case cases[] = {
      {"linear", "half_pixel", k::ResizeInterp::kLinear, k::ResizeCoordinate::kHalfPixel, 2.0, false},
      {"linear", "align_corners", k::ResizeInterp::kLinear, k::ResizeCoordinate::kAlignCorners, 1.5, false},
      {"linear", "pytorch_half_pixel", k::ResizeInterp::kLinear, k::ResizeCoordinate::kPytorchHalfPixel, 0.6, false},
      {"cubic", "half_pixel", k::ResizeInterp::kCubic, k::ResizeCoordinate::kHalfPixel, 0.8, true},
      {"cubic", "asymmetric", k::ResizeInterp::kCubic, k::ResizeCoordinate::kAsymmetric, 2.0, false},
      {"nearest", "half_pixel", k::ResizeInterp::kNearest, k::ResizeCoordinate::kHalfPixel, 2.0, false},
      {"nearest", "asymmetric", k::ResizeInterp::kNearest, k::ResizeCoordinate::kAsymmetric, 0.6, false},
  };
  const Dims in_dims = {1, 2, 5, 4};
  const std::vector<float> v = iota(40);
  for (const Case& c : cases) {
    Tensor x = Tensor::from_vector<float>(v, in_dims);
    Tensor roi = Tensor::from_vector<float>({}, {0});
    Tensor scales = Tensor::from_vector<float>({1, 1, static_cast<float>(c.scale), static_cast<float>(c.scale)}, {4});
    std::vector<Attribute> attrs = {{"mode", std::string(c.mode)},
                                    {"coordinate_transformation_mode", std::string(c.transform)},
                                    {"exclude_outside", int64_t{c.exclude_outside ? 1 : 0}}};
    Tensor want = run1("Resize", {&x, &roi, &scales}, attrs, 13);
    k::ResizeParams p;
    p.mode = c.interp;
    p.transform = c.coordinate;
    p.exclude_outside = c.exclude_outside;
    const double s = static_cast<float>(c.scale);  // the geometry sees the float32 input's value
    const std::vector<float> got = replay_resize(p, in_dims, want.dims(), {1.0, 1.0, s, s}, v);
    const std::vector<float> expect = values_of<float>(want);
    ASSERT_EQ(got.size(), expect.size()) << c.mode << " " << c.transform;
    for (size_t i = 0; i < got.size(); ++i)
      EXPECT_NEAR(got[i], expect[i], 1e-4f) << c.mode << " " << c.transform << " at " << i;
  }
}

}  // namespace
}  // namespace fovea::cuda

#endif  // FOVEA_HAVE_CUDA
