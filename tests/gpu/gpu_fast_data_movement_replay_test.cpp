// The fast Transpose / Resize kernels' per-thread code, replayed on the host over every thread
// index with the plan the launcher would make, against the CPU reference. Needs no GPU (runs
// in CI), so the index arithmetic and the path selection are checked everywhere; the GPU tests
// (gpu_transpose_kernels_test, gpu_resize_kernels_test) run the real kernels.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "backends/cuda/kernels/channel_transpose.h"
#include "backends/cuda/kernels/resize_fast_bodies.h"
#include "backends/cuda/resize_params.h"
#include "gpu_single_node_run.h"

namespace fovea::cuda {
namespace {

namespace k = kernels;

// Host memory holding `bytes` at `offset` past a 16-byte aligned address.
struct HostBuffer {
  std::vector<unsigned char> storage;
  unsigned char* ptr = nullptr;
  HostBuffer(size_t bytes, size_t offset) : storage(bytes + offset + 32, 0xA5) {
    const uintptr_t a = reinterpret_cast<uintptr_t>(storage.data());
    ptr = storage.data() + ((16 - a % 16) % 16) + offset;
  }
};

Result<std::vector<Tensor>> cpu_run(const std::string& op, const Tensor& x, const std::vector<const Tensor*>& rest,
                                    std::vector<Attribute> attrs, int64_t opset, Node** node_out, Graph& graph) {
  Node* node = graph.add_node("n", op);
  node->inputs.push_back(*graph.add_value("x"));
  for (size_t i = 0; i < rest.size(); ++i)
    node->inputs.push_back(rest[i] ? *graph.add_value("in" + std::to_string(i + 1)) : nullptr);
  node->outputs.push_back(*graph.add_value("y"));
  node->attributes = std::move(attrs);
  *node_out = node;
  std::vector<const Tensor*> inputs = {&x};
  inputs.insert(inputs.end(), rest.begin(), rest.end());
  return cpu::run_node(*node, opset, inputs);
}

Tensor tensor_from(const unsigned char* p, DType dtype, const Dims& dims) {
  Tensor t = *Tensor::allocate(dtype, dims);
  std::memcpy(t.raw_data(), p, t.nbytes());
  return t;
}

// ---- Transpose: the few-channel kernel ------------------------------------------------------

// Odd sizes use the 64-bit index path, the others the 32-bit one (the kernel picks by size).
template <typename E, int C, int R, bool kTo>
void replay_channel_runs(int64_t batch, int64_t pixels, const void* in, void* out) {
  const int64_t runs = pixels / R;
  if (pixels % 2 == 1) {
    for (uint64_t t = 0; t < static_cast<uint64_t>(batch * runs); ++t)
      k::channel_transpose_run<E, C, R, kTo, uint64_t>(static_cast<const E*>(in), static_cast<E*>(out), pixels,
                                                       k::IntDivider<uint64_t>(static_cast<uint64_t>(runs)), t);
    return;
  }
  const k::IntDivider<uint32_t> divider(static_cast<uint32_t>(runs));
  for (uint32_t t = 0; t < static_cast<uint32_t>(batch * runs); ++t)
    k::channel_transpose_run<E, C, R, kTo, uint32_t>(static_cast<const E*>(in), static_cast<E*>(out), pixels, divider,
                                                     t);
}

template <typename E, int C, bool kTo>
void replay_channel_vector(int64_t batch, int64_t pixels, bool vector, const void* in, void* out) {
  if (vector)
    replay_channel_runs<E, C, static_cast<int>(16 / sizeof(E)), kTo>(batch, pixels, in, out);
  else
    replay_channel_runs<E, C, 1, kTo>(batch, pixels, in, out);
}

template <typename E, bool kTo>
void replay_channel_count(int64_t c, int64_t batch, int64_t pixels, bool vector, const void* in, void* out) {
  if (c == 2) replay_channel_vector<E, 2, kTo>(batch, pixels, vector, in, out);
  if (c == 3) replay_channel_vector<E, 3, kTo>(batch, pixels, vector, in, out);
  if (c == 4) replay_channel_vector<E, 4, kTo>(batch, pixels, vector, in, out);
}

// launch_channel_transpose's decisions, replayed. Returns whether the 16-byte path was taken.
template <typename E>
bool replay_channel_transpose(const k::BatchedTransposeParams& p, const void* in, void* out) {
  const bool to = p.rows >= 2 && p.rows <= k::kMaxSmallChannels;
  const int64_t channels = to ? p.rows : p.cols, pixels = to ? p.cols : p.rows;
  const bool vector = k::channel_transpose_access_bytes(pixels, p.element_size, reinterpret_cast<uintptr_t>(in),
                                                        reinterpret_cast<uintptr_t>(out)) == 16;
  if (to)
    replay_channel_count<E, true>(channels, p.batch, pixels, vector, in, out);
  else
    replay_channel_count<E, false>(channels, p.batch, pixels, vector, in, out);
  return vector;
}

struct ChannelCase {
  Dims dims;
  std::vector<int64_t> perm;
  DType dtype;
  bool vector;
  size_t in_offset = 0, out_offset = 0;
};

TEST(GpuFastDataMovementReplay, ChannelTransposeMatchesCpu) {
  const std::vector<int64_t> to_nhwc = {0, 2, 3, 1}, to_nchw = {0, 3, 1, 2};
  const ChannelCase cases[] = {
      {{2, 3, 16, 24}, to_nhwc, DType::kFloat16, true},  {{2, 3, 7, 9}, to_nhwc, DType::kFloat16, false},
      {{2, 2, 8, 8}, to_nhwc, DType::kFloat32, true},    {{2, 4, 8, 8}, to_nhwc, DType::kUInt8, true},
      {{2, 3, 4, 4}, to_nhwc, DType::kInt64, true},      {{1, 3, 5, 5}, to_nhwc, DType::kInt64, false},
      {{2, 3, 16, 24}, to_nhwc, DType::kFloat16, false, 2, 0},
      {{2, 16, 24, 3}, to_nchw, DType::kFloat16, true},  {{2, 7, 9, 4}, to_nchw, DType::kFloat32, false},
      {{3, 8, 8, 2}, to_nchw, DType::kUInt8, true},      {{2, 4, 4, 3}, to_nchw, DType::kInt64, true},
      {{2, 16, 24, 3}, to_nchw, DType::kFloat16, false, 0, 6},
  };
  uint32_t seed = 1;
  for (const ChannelCase& c : cases) {
    SCOPED_TRACE(std::string(dtype_name(c.dtype)) + " perm[1]=" + std::to_string(c.perm[1]) + " dim1=" +
                 std::to_string(c.dims[1]));
    const Tensor x = gpu_test::random_tensor(c.dtype, c.dims, seed++);
    Graph graph;
    Node* node = nullptr;
    auto want = cpu_run("Transpose", x, {}, {{"perm", c.perm}}, 17, &node, graph);
    ASSERT_TRUE(want.is_ok()) << want.status().to_string();
    const k::TransposePlan plan = k::plan_transpose(c.dims, c.perm);
    ASSERT_TRUE(plan.batched_2d);
    k::BatchedTransposeParams p = plan.transpose;
    p.element_size = static_cast<int64_t>(dtype_size(c.dtype));
    ASSERT_TRUE(k::is_channel_transpose(p));
    HostBuffer in(x.nbytes(), c.in_offset), out(x.nbytes(), c.out_offset);
    std::memcpy(in.ptr, x.raw_data(), x.nbytes());
    bool vector = false;
    switch (p.element_size) {
      case 1: vector = replay_channel_transpose<uint8_t>(p, in.ptr, out.ptr); break;
      case 2: vector = replay_channel_transpose<uint16_t>(p, in.ptr, out.ptr); break;
      case 4: vector = replay_channel_transpose<uint32_t>(p, in.ptr, out.ptr); break;
      case 8: vector = replay_channel_transpose<uint64_t>(p, in.ptr, out.ptr); break;
    }
    EXPECT_EQ(vector, c.vector);
    const Tensor got = tensor_from(out.ptr, c.dtype, (*want)[0].dims());
    EXPECT_EQ(gpu_test::first_byte_mismatch(got, (*want)[0]), -1);
  }
}

TEST(GpuFastDataMovementReplay, IntDividerMatchesDivision) {
  const uint32_t divisors[] = {1, 2, 3, 5, 7, 32, 40, 80, 100, 255, 409600, 65535, 65537, 1u << 20, 12345679,
                               (1u << 31) - 1, 1u << 31};
  const uint32_t numerators[] = {0, 1, 2, 3, 31, 32, 33, 1000, 65535, 65536, 409599, 409600, 12345678, 1u << 30,
                                 (1u << 31) - 2, (1u << 31) - 1};
  for (uint32_t d : divisors) {
    const k::IntDivider<uint32_t> div(d);
    for (uint32_t n : numerators) ASSERT_EQ(div.div(n), n / d) << n << " / " << d;
    for (uint32_t q = 0; q < 70; ++q)  // around multiples of d
      for (int64_t delta = -1; delta <= 1; ++delta) {
        const int64_t n = static_cast<int64_t>(q) * d + delta;
        if (n < 0 || n > 0x7fffffff) continue;
        ASSERT_EQ(div.div(static_cast<uint32_t>(n)), static_cast<uint32_t>(n) / d) << n << " / " << d;
      }
  }
}

// ---- Resize ------------------------------------------------------------------------------------

struct ResizeCase {
  DType dtype;
  Dims in;
  std::vector<float> scales;
  std::string mode = "nearest", transform = "asymmetric", rounding = "floor";
  int expected = 0;  // 1: nearest runs, 2: nearest rows, 3: linear fast
  size_t in_offset = 0, out_offset = 0;
};

template <typename I, typename W>
void replay_runs(const k::NearestFastPlan& plan, const void* in, void* out) {
  const k::NearestAxes<I> a = k::nearest_axes<I>(plan);
  int64_t pixels = 1;
  for (int d = 0; d < plan.rank; ++d) pixels *= plan.axes[d].out_len;
  const k::IntDivider<I> words(static_cast<I>(plan.inner * plan.element_size / static_cast<int64_t>(sizeof(W))));
  for (I i = 0; i < static_cast<I>(pixels) * words.divisor; ++i)
    k::nearest_runs_word(a, words, i, static_cast<const W*>(in), static_cast<W*>(out));
}

template <typename I, typename E, int V>
void replay_rows(const k::NearestFastPlan& plan, const void* in, void* out) {
  const k::NearestAxes<I> a = k::nearest_axes<I>(plan);
  int64_t rows = 1;
  for (int d = 0; d + 1 < plan.rank; ++d) rows *= plan.axes[d].out_len;
  const k::IntDivider<I> chunks(static_cast<I>(plan.axes[plan.rank - 1].out_len / V));
  for (I t = 0; t < static_cast<I>(rows) * chunks.divisor; ++t)
    k::nearest_rows_chunk<E, V, I>(a, chunks, t, static_cast<const E*>(in), static_cast<E*>(out));
}

template <typename E>
void replay_rows_of(const k::NearestFastPlan& plan, const void* in, void* out) {
  if (plan.chunk == 1)
    replay_rows<uint32_t, E, 1>(plan, in, out);
  else
    replay_rows<uint32_t, E, static_cast<int>(16 / sizeof(E))>(plan, in, out);
}

void replay_nearest(const k::NearestFastPlan& plan, const void* in, void* out) {
  if (plan.kind == k::NearestFastKind::kRuns) {
    switch (plan.word_bytes) {
      case 1: replay_runs<uint32_t, uint8_t>(plan, in, out); break;
      case 2: replay_runs<uint32_t, uint16_t>(plan, in, out); break;
      case 4: replay_runs<uint32_t, uint32_t>(plan, in, out); break;
      case 8: replay_runs<uint64_t, uint64_t>(plan, in, out); break;  // 64-bit index math too
      case 16: replay_runs<uint32_t, uint4>(plan, in, out); break;
    }
    return;
  }
  switch (plan.element_size) {
    case 1: replay_rows_of<uint8_t>(plan, in, out); break;
    case 2: replay_rows_of<uint16_t>(plan, in, out); break;
    case 4: replay_rows_of<uint32_t>(plan, in, out); break;
    case 8: replay_rows_of<uint64_t>(plan, in, out); break;
  }
}

template <typename T, int G>
void replay_linear_as(const k::ResizeParams& p, const k::LinearFastPlan& plan, const void* in, void* out) {
  const k::LinearGeometry<uint32_t> g = k::linear_geometry<uint32_t>(p, plan);
  for (uint32_t i = 0; i < g.total; ++i)
    k::resize_linear_group<T, G, uint32_t>(p, g, i, static_cast<const T*>(in), static_cast<T*>(out));
}

template <typename T>
void replay_linear(const k::ResizeParams& p, const k::LinearFastPlan& plan, const void* in, void* out) {
  switch (plan.group) {
    case 1: replay_linear_as<T, 1>(p, plan, in, out); break;
    case 2: replay_linear_as<T, 2>(p, plan, in, out); break;
    case 4: replay_linear_as<T, 4>(p, plan, in, out); break;
    case 8:
      if constexpr (sizeof(T) == 2) replay_linear_as<T, 8>(p, plan, in, out);
      break;
  }
}

// The generic kernel's element loop (resize.cu) on the host: the bits the fast path must give.
template <typename T>
void generic_linear(const k::ResizeParams& p, const T* in, T* out) {
  const int64_t n = k::resize_output_count(p);
  for (int64_t i = 0; i < n; ++i) {
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
      out[i] = k::linear_from_float<T>(static_cast<float>(p.extrapolation_value));
      continue;
    }
    int kk[k::kMaxRank] = {};
    double acc = 0.0;
    while (true) {
      double w = 1.0;
      int64_t off = base;
      for (int r = 0; r < resized; ++r) {
        w = k::linear_mul(w, taps[r].weight[kk[r]]);
        off += taps[r].index[kk[r]] * tap_stride[r];
      }
      if (w != 0.0) acc = k::linear_fma(w, static_cast<double>(k::linear_to_float(in[off])), acc);
      int r = 0;
      while (r < resized && ++kk[r] == taps[r].count) kk[r++] = 0;
      if (r == resized) break;
    }
    out[i] = k::linear_from_float<T>(static_cast<float>(acc));
  }
}

TEST(GpuFastDataMovementReplay, ResizeFastPathsMatchCpu) {
  const ResizeCase cases[] = {
      {DType::kFloat16, {2, 5, 6, 64}, {1, 2, 2, 1}, "nearest", "asymmetric", "floor", 1},
      {DType::kFloat32, {2, 5, 6, 3}, {1, 2, 2, 1}, "nearest", "asymmetric", "floor", 1},
      {DType::kUInt8, {2, 4, 5, 64}, {1, 3, 2, 1}, "nearest", "half_pixel", "round_prefer_floor", 1},
      {DType::kInt64, {2, 3, 4, 5}, {1, 2, 2, 1}, "nearest", "asymmetric", "floor", 1},
      {DType::kFloat16, {2, 6, 6, 64}, {1, 2, 2, 1}, "nearest", "asymmetric", "floor", 1, 2, 0},
      {DType::kFloat16, {1, 3, 4, 5, 16}, {1, 2, 2, 2, 1}, "nearest", "asymmetric", "floor", 1},
      {DType::kFloat32, {2, 8, 10, 8}, {1, 0.5f, 0.5f, 1}, "nearest", "half_pixel", "round_prefer_floor", 1},
      {DType::kFloat16, {2, 16, 20, 20}, {1, 1, 2, 2}, "nearest", "asymmetric", "floor", 2},
      {DType::kFloat16, {2, 16, 10, 10}, {1, 1, 2, 2}, "nearest", "asymmetric", "floor", 2},
      {DType::kFloat32, {2, 3, 7, 8}, {1, 1, 3, 3}, "nearest", "half_pixel", "round_prefer_floor", 2},
      {DType::kUInt8, {2, 3, 8, 8}, {1, 1, 2, 2}, "nearest", "asymmetric", "floor", 2},
      {DType::kInt64, {1, 2, 3, 5}, {1, 1, 2, 2}, "nearest", "asymmetric", "floor", 2},
      {DType::kFloat16, {2, 9, 7, 1}, {1, 2, 2, 1}, "nearest", "asymmetric", "floor", 2},
      {DType::kFloat32, {1, 3, 8, 10}, {1, 1, 0.5f, 0.5f}, "nearest", "asymmetric", "floor", 2},
      {DType::kFloat16, {1, 2, 3, 4, 8}, {1, 1, 2, 2, 2}, "nearest", "asymmetric", "floor", 2},
      {DType::kFloat16, {2, 16, 20, 20}, {1, 1, 2, 2}, "nearest", "asymmetric", "floor", 2, 0, 2},
      {DType::kFloat16, {2, 9, 11, 64}, {1, 2, 2, 1}, "linear", "half_pixel", "floor", 3},
      {DType::kFloat32, {2, 5, 6, 4}, {1, 1.7f, 2.2f, 1}, "linear", "align_corners", "floor", 3},
      {DType::kFloat32, {2, 5, 6, 3}, {1, 2, 2, 1}, "linear", "asymmetric", "floor", 3},
      {DType::kFloat16, {2, 5, 6, 6}, {1, 1.5f, 1.5f, 1}, "linear", "pytorch_half_pixel", "floor", 3},
      {DType::kFloat32, {2, 3, 9, 11}, {1, 1, 2, 2}, "linear", "half_pixel", "floor", 3},
      {DType::kFloat32, {1, 2, 16, 20}, {1, 1, 0.5f, 0.5f}, "linear", "half_pixel", "floor", 3},
      {DType::kFloat16, {2, 4, 6, 16}, {1, 1, 2, 1}, "linear", "half_pixel", "floor", 3},
      {DType::kFloat32, {2, 3, 6, 5}, {1, 1, 2, 1}, "linear", "half_pixel", "floor", 3},
      {DType::kFloat16, {2, 9, 11, 64}, {1, 2, 2, 1}, "linear", "half_pixel", "floor", 3, 2, 2},
  };
  uint32_t seed = 1;
  for (const ResizeCase& c : cases) {
    std::string label = std::string(dtype_name(c.dtype)) + " " + c.mode + " " + c.transform + " [";
    for (int64_t d : c.in) label += std::to_string(d) + ",";
    SCOPED_TRACE(label + "] offsets " + std::to_string(c.in_offset) + "/" + std::to_string(c.out_offset));
    const Tensor x = gpu_test::random_tensor(c.dtype, c.in, seed++);
    const Tensor roi = Tensor::from_vector<float>({}, {0});
    const Tensor scales = Tensor::from_vector<float>(c.scales, {static_cast<int64_t>(c.scales.size())});
    const std::vector<Attribute> attrs = {
        {"mode", c.mode}, {"coordinate_transformation_mode", c.transform}, {"nearest_mode", c.rounding}};
    Graph graph;
    Node* node = nullptr;
    auto want = cpu_run("Resize", x, {&roi, &scales}, attrs, 13, &node, graph);
    ASSERT_TRUE(want.is_ok()) << want.status().to_string();
    const Tensor& ref = (*want)[0];
    auto p = make_resize_params(*node, 13, c.dtype, c.in, ref.dims(), &roi, &scales, nullptr);
    ASSERT_TRUE(p.is_ok()) << p.status().to_string();
    HostBuffer in(x.nbytes(), c.in_offset), out(ref.nbytes(), c.out_offset);
    std::memcpy(in.ptr, x.raw_data(), x.nbytes());
    const uintptr_t ia = reinterpret_cast<uintptr_t>(in.ptr), oa = reinterpret_cast<uintptr_t>(out.ptr);
    k::NearestFastPlan nearest;
    k::LinearFastPlan linear;
    if (k::plan_resize_nearest_fast(*p, ia, oa, &nearest)) {
      EXPECT_EQ(c.expected, nearest.kind == k::NearestFastKind::kRuns ? 1 : 2);
      replay_nearest(nearest, in.ptr, out.ptr);
      EXPECT_EQ(gpu_test::first_byte_mismatch(tensor_from(out.ptr, c.dtype, ref.dims()), ref), -1);
      continue;
    }
    ASSERT_TRUE(k::plan_resize_linear_fast(*p, ia, oa, &linear)) << "no fast path";
    EXPECT_EQ(c.expected, 3);
    HostBuffer generic(ref.nbytes(), 0);
    if (c.dtype == DType::kFloat16) {
      replay_linear<__half>(*p, linear, in.ptr, out.ptr);
      generic_linear<__half>(*p, reinterpret_cast<const __half*>(in.ptr), reinterpret_cast<__half*>(generic.ptr));
    } else {
      replay_linear<float>(*p, linear, in.ptr, out.ptr);
      generic_linear<float>(*p, reinterpret_cast<const float*>(in.ptr), reinterpret_cast<float*>(generic.ptr));
    }
    const Tensor got = tensor_from(out.ptr, c.dtype, ref.dims());
    EXPECT_EQ(gpu_test::first_byte_mismatch(got, tensor_from(generic.ptr, c.dtype, ref.dims())), -1)
        << "fast path differs from the generic kernel's formula";
    const float tol = c.dtype == DType::kFloat16 ? 2e-3f : 1e-6f;
    for (int64_t i = 0; i < ref.numel(); ++i) {
      const float a = c.dtype == DType::kFloat16 ? half_to_float(got.data<Half>()[i]) : got.data<float>()[i];
      const float b = c.dtype == DType::kFloat16 ? half_to_float(ref.data<Half>()[i]) : ref.data<float>()[i];
      ASSERT_NEAR(a, b, tol * std::max(1.f, std::abs(b))) << "element " << i;
    }
  }
}

}  // namespace
}  // namespace fovea::cuda
