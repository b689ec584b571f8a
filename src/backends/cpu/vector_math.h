// Vectorizable float32 math for hot elementwise kernels. `exp_nonpositive` is the Cephes expf
// polynomial (max relative error ~2 ulp on [-87.3, 0]) written without calls or branches so
// the compiler vectorizes loops over it; results below 2^-126 (FLT_MIN) are flushed to it.
#pragma once

#include <cstdint>
#include <cstring>

namespace fovea::cpu {

inline float exp_nonpositive(float x) {
  // exp(-87.34) = 2^-126, the smallest normal float. Written so NaN also clamps: the int
  // conversion below must never see NaN (undefined behaviour); callers restore NaN.
  x = x > -87.33654f ? x : -87.33654f;
  const float t = x * 1.44269504088896341f;
  const int n = -static_cast<int>(0.5f - t);  // round(t) for t <= 0, via truncation
  const float fn = static_cast<float>(n);
  float r = x - fn * 0.693359375f;
  r = r + fn * 2.12194440e-4f;
  const float r2 = r * r;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float y = p * r2 + r + 1.0f;
  const uint32_t bits = static_cast<uint32_t>(n + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return y * scale;
}

// 1 / (1 + exp(-x)) through exp(-|x|) in (0, 1], so nothing overflows.
inline float sigmoid_float(float x) {
  const float ax = x < 0.0f ? -x : x;
  const float e = exp_nonpositive(-ax);
  const float inv = 1.0f / (1.0f + e);
  const float y = x >= 0.0f ? inv : e * inv;
  return x != x ? x : y;  // NaN in, NaN out
}

// out[i] = sigmoid(in[i]); compiled for AVX-512, AVX2 and baseline x86-64, picked at load time.
void sigmoid_array(const float* in, float* out, int64_t n);

}  // namespace fovea::cpu
