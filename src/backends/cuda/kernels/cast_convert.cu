#include "backends/cuda/kernels/cast_convert.h"

#include "backends/cuda/kernels/elementwise_loop.cuh"

namespace fovea::cuda::kernels {
using namespace elementwise;  // the elementwise device helpers (elementwise_loop.cuh)
namespace {

template <typename To, typename From>
__device__ __forceinline__ To convert(From v) {
  if constexpr (std::is_same_v<From, __half>) {
    return convert<To>(__half2float(v));
  } else if constexpr (std::is_same_v<To, __half>) {
    return __float2half_rn(convert<float>(v));
  } else if constexpr (std::is_same_v<To, bool>) {
    return v != From(0);
  } else if constexpr (std::is_integral_v<To> && std::is_floating_point_v<From>) {
    return saturating_from_double<To>(static_cast<double>(v));
  } else {
    return static_cast<To>(v);
  }
}

template <typename From, typename To>
struct ConvertFn {
  __device__ __forceinline__ To operator()(From v) const { return convert<To>(v); }
};

template <typename From>
cudaError_t launch_cast_from(const void* x, ScalarKind to, void* y, int64_t n, cudaStream_t stream) {
  Operand<From> in;
  in.data = static_cast<const From*>(x);
  FOVEA_KIND_SWITCH_ALL(to, To, {
    return launch_elementwise<1>(static_cast<To*>(y), n, stream, ConvertFn<From, To>{}, in);
  });
  return cudaErrorNotSupported;
}

}  // namespace

cudaError_t launch_cast(ScalarKind from, const void* x, ScalarKind to, void* y, int64_t n, cudaStream_t stream) {
  if (n <= 0) return cudaSuccess;
  if (from == to) {
    if (x == y) return cudaSuccess;
    return cudaMemcpyAsync(y, x, static_cast<size_t>(n) * scalar_size(from), cudaMemcpyDeviceToDevice, stream);
  }
  FOVEA_KIND_SWITCH_ALL(from, From, { return launch_cast_from<From>(x, to, y, n, stream); });
  return cudaErrorNotSupported;
}

}  // namespace fovea::cuda::kernels
