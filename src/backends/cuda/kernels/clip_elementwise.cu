#include "backends/cuda/kernels/clip_elementwise.h"

#include <cstring>
#include <limits>

#include "backends/cuda/kernels/elementwise_loop.cuh"

namespace fovea::cuda::kernels {
using namespace elementwise;  // the elementwise device helpers (elementwise_loop.cuh)
namespace {

// The "no bound" values: infinities for floats (so -inf / +inf inputs pass), limits for integers.
template <typename C>
C no_lower_bound() {
  return std::numeric_limits<C>::has_infinity ? -std::numeric_limits<C>::infinity() : std::numeric_limits<C>::lowest();
}
template <typename C>
C no_upper_bound() {
  return std::numeric_limits<C>::has_infinity ? std::numeric_limits<C>::infinity() : std::numeric_limits<C>::max();
}

// A host-known bound in the compute type (float16 widened on the host).
template <typename T>
ComputeType<T> host_bound(const void* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  if constexpr (std::is_same_v<T, __half>) return __half2float(v);
  else return v;
}

template <typename T>
struct ClipFn {
  using C = ComputeType<T>;
  C lo, hi;                  // host-known (or unbounded) values
  const T* lo_device;        // when set, read instead of lo
  const T* hi_device;

  __device__ __forceinline__ T operator()(T x) const {
    const C l = lo_device ? widen(*lo_device) : lo;
    const C h = hi_device ? widen(*hi_device) : hi;
    C v = widen(x);
    v = v < l ? l : v;
    return store_as<T>(v > h ? h : v);
  }
};

template <typename T>
cudaError_t launch_clip_typed(const ClipParams& p, const void* x, void* y, int64_t n, cudaStream_t stream) {
  using C = ComputeType<T>;
  ClipFn<T> fn{no_lower_bound<C>(), no_upper_bound<C>(), nullptr, nullptr};
  if (p.lo_host) fn.lo = host_bound<T>(p.lo_host);
  else if (p.lo_device) fn.lo_device = static_cast<const T*>(p.lo_device);
  if (p.hi_host) fn.hi = host_bound<T>(p.hi_host);
  else if (p.hi_device) fn.hi_device = static_cast<const T*>(p.hi_device);
  Operand<T> in;
  in.data = static_cast<const T*>(x);
  return launch_elementwise<kVectorWidth<T>>(static_cast<T*>(y), n, stream, fn, in);
}

}  // namespace

cudaError_t launch_clip(const ClipParams& params, ScalarKind kind, const void* x, void* y, int64_t n,
                        cudaStream_t stream) {
  FOVEA_KIND_SWITCH_NUMERIC(kind, T, { return launch_clip_typed<T>(params, x, y, n, stream); });
  return cudaErrorNotSupported;
}

}  // namespace fovea::cuda::kernels
