// Pow: base and exponent may differ in kind; the output has the base's kind. Matches the CPU
// reference (src/backends/cpu/pow.cpp): float16 computes as float32; equal float compute types
// use pow in that type, a float base with any other exponent uses double pow, integer bases
// with integer exponents use exact wrapping integer power.
#include "backends/cuda/kernels/binary_functors.cuh"

namespace fovea::cuda::kernels {
using namespace elementwise;  // the elementwise device helpers (elementwise_loop.cuh)
namespace {

// Power by squaring with wrapping; a negative exponent gives the truncated 1 / base^-e (0
// unless |base| == 1).
template <typename T, typename E>
__device__ T integer_pow(T base, E e) {
  if constexpr (std::is_signed_v<E>) {
    if (e < 0) {
      if (base == 1) return 1;
      if (base == -1) return (e % 2 == 0) ? 1 : -1;
      return 0;
    }
  }
  using U = WrapType<T>;
  U result = 1, b = static_cast<U>(base);
  for (auto n = static_cast<uint64_t>(e); n != 0; n >>= 1) {
    if (n & 1) result = static_cast<U>(result * b);
    b = static_cast<U>(b * b);
  }
  return static_cast<T>(result);
}

struct PowFn {
  template <typename B, typename E>
  __device__ B operator()(B base, E e) const {
    if constexpr (std::is_same_v<B, E> && std::is_floating_point_v<B>) {
      return dmath::pow(base, e);
    } else if constexpr (std::is_floating_point_v<B>) {
      return static_cast<B>(::pow(static_cast<double>(base), static_cast<double>(e)));
    } else if constexpr (std::is_integral_v<E>) {
      return integer_pow(base, e);
    } else {
      return saturating_from_double<B>(::pow(static_cast<double>(base), static_cast<double>(e)));
    }
  }
};

template <typename B>
cudaError_t launch_pow_with_base(const ElementwiseOperand& base, const ElementwiseOperand& exponent, void* out,
                                 const std::vector<int64_t>& out_dims, cudaStream_t stream) {
  FOVEA_KIND_SWITCH_NUMERIC(exponent.kind, E, {
    return launch_binary_typed<B, E, B>(PowFn{}, base, exponent, out, out_dims, stream);
  });
  return cudaErrorNotSupported;
}

}  // namespace

cudaError_t launch_pow(const ElementwiseOperand& base, const ElementwiseOperand& exponent, void* out,
                       const std::vector<int64_t>& out_dims, cudaStream_t stream) {
  switch (base.kind) {
    case ScalarKind::kF32: return launch_pow_with_base<float>(base, exponent, out, out_dims, stream);
    case ScalarKind::kF16: return launch_pow_with_base<__half>(base, exponent, out, out_dims, stream);
    case ScalarKind::kF64: return launch_pow_with_base<double>(base, exponent, out, out_dims, stream);
    case ScalarKind::kI32: return launch_pow_with_base<int32_t>(base, exponent, out, out_dims, stream);
    case ScalarKind::kI64: return launch_pow_with_base<int64_t>(base, exponent, out, out_dims, stream);
    default: return cudaErrorNotSupported;
  }
}

}  // namespace fovea::cuda::kernels
