// Per storage type: the value type the reduction kernels compute in, loads and stores, and the
// extreme values Max/Min start from. Include only from .cu files.
#pragma once

#include <cuda_fp16.h>

#include <cmath>
#include <cstdint>
#include <climits>

namespace fovea::cuda::kernels {

template <typename T>
struct ValueTraits;

template <>
struct ValueTraits<float> {
  using Val = float;
  static constexpr bool kFloat = true;
  static __device__ __forceinline__ float load(const float* p, int64_t i) { return p[i]; }
  static __device__ __forceinline__ void store(float* p, int64_t i, float v) { p[i] = v; }
  static __device__ __forceinline__ float lowest() { return -INFINITY; }
  static __device__ __forceinline__ float highest() { return INFINITY; }
};

template <>
struct ValueTraits<__half> {
  using Val = float;
  static constexpr bool kFloat = true;
  static __device__ __forceinline__ float load(const __half* p, int64_t i) { return __half2float(p[i]); }
  static __device__ __forceinline__ void store(__half* p, int64_t i, float v) { p[i] = __float2half_rn(v); }
  static __device__ __forceinline__ float lowest() { return -INFINITY; }
  static __device__ __forceinline__ float highest() { return INFINITY; }
};

template <>
struct ValueTraits<int32_t> {
  using Val = long long;
  static constexpr bool kFloat = false;
  static __device__ __forceinline__ long long load(const int32_t* p, int64_t i) { return p[i]; }
  // Integer results wrap to the storage width, as the CPU reference's static_cast does.
  static __device__ __forceinline__ void store(int32_t* p, int64_t i, long long v) {
    p[i] = static_cast<int32_t>(static_cast<uint32_t>(static_cast<unsigned long long>(v)));
  }
  static __device__ __forceinline__ long long lowest() { return INT_MIN; }
  static __device__ __forceinline__ long long highest() { return INT_MAX; }
};

template <>
struct ValueTraits<int64_t> {
  using Val = long long;
  static constexpr bool kFloat = false;
  static __device__ __forceinline__ long long load(const int64_t* p, int64_t i) { return p[i]; }
  static __device__ __forceinline__ void store(int64_t* p, int64_t i, long long v) { p[i] = v; }
  static __device__ __forceinline__ long long lowest() { return LLONG_MIN; }
  static __device__ __forceinline__ long long highest() { return LLONG_MAX; }
};

// A double result converted to an integer without undefined behaviour: NaN gives 0, values
// past the type's range saturate (the CPU reference's saturating_from_double).
__device__ __forceinline__ long long saturate_to_int(double v, long long lo, long long hi) {
  if (v != v) return 0;
  if (v >= static_cast<double>(hi)) return hi;
  if (v <= static_cast<double>(lo)) return lo;
  return static_cast<long long>(v);
}

}  // namespace fovea::cuda::kernels
