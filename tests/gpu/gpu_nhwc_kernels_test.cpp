// The NHWC launchers against their NCHW counterparts (tested by the conformance suite): the
// depthwise convolution (scalar and half2 paths, multiplier, dilations, bias / residual /
// activation) and fovea.MaxPool's kernel (pads, ceil_mode windows, dilations). Inputs are made in
// NHWC, transposed on the host for the NCHW launcher, and the results compared after transposing back.
#include <cuda_fp16.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "backends/cuda/kernels/depthwise_conv.h"
#include "backends/cuda/kernels/max_pool_nhwc.h"
#include "backends/cuda/kernels/pool.h"
#include "gpu_test_env.h"

namespace fovea::cuda {
namespace {

using kernels::ScalarKind;

// Device copy of host floats stored as float32 or float16.
struct DeviceBuffer {
  void* ptr = nullptr;
  size_t count = 0;
  ScalarKind kind;
  DeviceBuffer(const std::vector<float>& v, ScalarKind k) : count(v.size()), kind(k) {
    const size_t bytes = std::max<size_t>(count, 1) * (k == ScalarKind::kF16 ? 2 : 4);
    EXPECT_EQ(cudaMalloc(&ptr, bytes), cudaSuccess);
    if (k == ScalarKind::kF16) {
      std::vector<__half> h(count);
      for (size_t i = 0; i < count; ++i) h[i] = __float2half(v[i]);
      EXPECT_EQ(cudaMemcpy(ptr, h.data(), count * 2, cudaMemcpyHostToDevice), cudaSuccess);
    } else {
      EXPECT_EQ(cudaMemcpy(ptr, v.data(), count * 4, cudaMemcpyHostToDevice), cudaSuccess);
    }
  }
  DeviceBuffer(size_t n, ScalarKind k) : DeviceBuffer(std::vector<float>(n, 0.f), k) {}
  ~DeviceBuffer() { cudaFree(ptr); }
  std::vector<float> read() const {
    std::vector<float> out(count);
    if (kind == ScalarKind::kF16) {
      std::vector<__half> h(count);
      EXPECT_EQ(cudaMemcpy(h.data(), ptr, count * 2, cudaMemcpyDeviceToHost), cudaSuccess);
      for (size_t i = 0; i < count; ++i) out[i] = __half2float(h[i]);
    } else {
      EXPECT_EQ(cudaMemcpy(out.data(), ptr, count * 4, cudaMemcpyDeviceToHost), cudaSuccess);
    }
    return out;
  }
};

std::vector<float> random_values(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  std::vector<float> v(n);
  for (float& x : v) x = u(rng);
  return v;
}

// [n, h, w, c] <-> [n, c, h, w].
std::vector<float> nhwc_to_nchw(const std::vector<float>& v, int64_t n, int64_t h, int64_t w, int64_t c) {
  std::vector<float> out(v.size());
  for (int64_t a = 0; a < n; ++a)
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x)
        for (int64_t k = 0; k < c; ++k) out[((a * c + k) * h + y) * w + x] = v[((a * h + y) * w + x) * c + k];
  return out;
}
std::vector<float> nchw_to_nhwc(const std::vector<float>& v, int64_t n, int64_t h, int64_t w, int64_t c) {
  std::vector<float> out(v.size());
  for (int64_t a = 0; a < n; ++a)
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x)
        for (int64_t k = 0; k < c; ++k) out[((a * h + y) * w + x) * c + k] = v[((a * c + k) * h + y) * w + x];
  return out;
}

// |got - want| <= tol * max(1, |want|) element-wise.
void expect_near_all(const std::vector<float>& got, const std::vector<float>& want, float tol) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i)
    ASSERT_NEAR(got[i], want[i], tol * std::max(1.0f, std::abs(want[i]))) << "element " << i;
}

struct DepthwiseCase {
  int c, multiplier, h, w, k, stride, dilation, pad;
  bool bias, residual, residual_after;
  kernels::Activation act;
};

void run_depthwise_case(const DepthwiseCase& t, ScalarKind kind) {
  kernels::DepthwiseConvParams p;
  p.batch = 2;
  p.in_channels = t.c;
  p.out_channels = t.c * t.multiplier;
  p.in_h = t.h, p.in_w = t.w;
  p.kernel_h = p.kernel_w = t.k;
  p.stride_h = p.stride_w = t.stride;
  p.dilation_h = p.dilation_w = t.dilation;
  p.pad_top = p.pad_left = t.pad;
  const int ext = (t.k - 1) * t.dilation + 1;
  p.out_h = (t.h + 2 * t.pad - ext) / t.stride + 1;
  p.out_w = (t.w + 2 * t.pad - ext) / t.stride + 1;
  p.activation = {t.act, 0.1f, 0.f};
  p.residual_after_activation = t.residual_after;
  const int64_t m = p.out_channels;
  const auto x = random_values(p.batch * t.h * t.w * t.c, 1);
  const auto w = random_values(m * t.k * t.k, 2);  // [M, kh, kw, 1] == [M, 1, kh, kw]
  const auto b = random_values(m, 3);
  const auto z = random_values(p.batch * p.out_h * p.out_w * m, 4);  // NHWC

  DeviceBuffer x_nhwc(x, kind), x_nchw(nhwc_to_nchw(x, p.batch, t.h, t.w, t.c), kind), wd(w, kind), bd(b, kind),
      z_nhwc(z, kind), z_nchw(nhwc_to_nchw(z, p.batch, p.out_h, p.out_w, m), kind);
  const size_t out_count = z.size();
  DeviceBuffer y_nhwc(out_count, kind), y_nchw(out_count, kind);
  const void* bias = t.bias ? bd.ptr : nullptr;
  ASSERT_EQ(kernels::launch_depthwise_conv_nhwc(kind, p, x_nhwc.ptr, wd.ptr, bias, t.residual ? z_nhwc.ptr : nullptr,
                                                y_nhwc.ptr, nullptr),
            cudaSuccess);
  ASSERT_EQ(kernels::launch_depthwise_conv(kind, p, x_nchw.ptr, wd.ptr, bias, t.residual ? z_nchw.ptr : nullptr,
                                           y_nchw.ptr, nullptr),
            cudaSuccess);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  const auto want = nchw_to_nhwc(y_nchw.read(), p.batch, p.out_h, p.out_w, m);
  // Same float accumulation order; FP16 may differ by the final rounding (one half ulp ~ 1e-3 relative).
  expect_near_all(y_nhwc.read(), want, kind == ScalarKind::kF16 ? 2e-3f : 1e-5f);
}

TEST(GpuNhwcKernels, DepthwiseMatchesTheNchwKernel) {
  FOVEA_REQUIRE_GPU();
  using A = kernels::Activation;
  const DepthwiseCase cases[] = {
      {32, 1, 9, 11, 3, 1, 1, 1, true, false, false, A::kRelu},     // half2 path, 3x3
      {5, 1, 8, 8, 3, 2, 1, 1, true, true, false, A::kSiLU},        // odd channels: scalar
      {6, 2, 7, 9, 3, 1, 2, 2, false, true, true, A::kLeakyRelu},   // multiplier 2, dilation
      {16, 1, 12, 10, 5, 2, 1, 2, true, true, true, A::kHardSwish}, // half2, 5x5, residual after
      {4, 1, 6, 6, 7, 1, 1, 3, true, false, false, A::kNone},       // generic kernel size
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(testing::Message() << "C " << c.c << " x" << c.multiplier << " k" << c.k);
    run_depthwise_case(c, ScalarKind::kF32);
    run_depthwise_case(c, ScalarKind::kF16);
  }
}

struct PoolCase {
  int c, h, w, k, stride, dilation, pad_begin, pad_end;
  int out_h, out_w;  // as the shape function gives them (ceil_mode included)
};

void run_pool_case(const PoolCase& t, ScalarKind kind) {
  const int64_t n = 2;
  kernels::MaxPoolNhwcParams p;
  p.batch = n, p.channels = t.c;
  p.in_h = t.h, p.in_w = t.w, p.out_h = t.out_h, p.out_w = t.out_w;
  p.kernel_h = p.kernel_w = t.k;
  p.stride_h = p.stride_w = t.stride;
  p.dilation_h = p.dilation_w = t.dilation;
  p.pad_top = p.pad_left = t.pad_begin;
  kernels::PoolGeometry g;
  g.planes = n * t.c;
  g.in[1] = t.h, g.in[2] = t.w, g.out[1] = t.out_h, g.out[2] = t.out_w;
  g.k[1] = g.k[2] = t.k;
  g.s[1] = g.s[2] = t.stride;
  g.d[1] = g.d[2] = t.dilation;
  g.pad_begin[1] = g.pad_begin[2] = t.pad_begin;
  g.pad_end[1] = g.pad_end[2] = t.pad_end;
  const auto x = random_values(n * t.h * t.w * t.c, 7);
  DeviceBuffer x_nhwc(x, kind), x_nchw(nhwc_to_nchw(x, n, t.h, t.w, t.c), kind);
  const size_t out_count = n * t.out_h * t.out_w * t.c;
  DeviceBuffer y_nhwc(out_count, kind), y_nchw(out_count, kind);
  ASSERT_EQ(kernels::launch_max_pool_nhwc(kind, p, x_nhwc.ptr, y_nhwc.ptr, nullptr), cudaSuccess);
  ASSERT_EQ(kernels::launch_max_pool(g, kind, false, x_nchw.ptr, y_nchw.ptr, nullptr, nullptr), cudaSuccess);
  ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
  expect_near_all(y_nhwc.read(), nchw_to_nhwc(y_nchw.read(), n, t.out_h, t.out_w, t.c), 0.f);  // a max is exact
}

TEST(GpuNhwcKernels, MaxPoolMatchesTheNchwKernel) {
  FOVEA_REQUIRE_GPU();
  const PoolCase cases[] = {
      {16, 9, 9, 3, 2, 1, 1, 1, 5, 5},  // ResNet stem, half2 path
      {3, 8, 8, 3, 2, 1, 0, 0, 4, 4},   // ceil_mode: the last window hangs past the input; odd C
      {8, 10, 7, 2, 1, 2, 0, 0, 8, 5},  // dilations
      {4, 13, 13, 5, 1, 1, 2, 2, 13, 13},  // YOLO SPPF
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(testing::Message() << "C " << c.c << " k" << c.k << " s" << c.stride);
    run_pool_case(c, ScalarKind::kF32);
    run_pool_case(c, ScalarKind::kF16);
  }
}

}  // namespace
}  // namespace fovea::cuda
