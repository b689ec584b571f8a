// Device functors of the binary ops (binary_elementwise.h), written in the compute type C
// (float for float16 storage) to match the CPU reference (src/backends/cpu/arithmetic.cpp,
// mod_bitwise.cpp, activations.cpp PRelu, variadic_elementwise.cpp Min/Max, comparison.cpp,
// logical.cpp), plus the typed launch helpers. Include only from the binary_*.cu files.
#pragma once

#include <type_traits>

#include "backends/cuda/kernels/binary_elementwise.h"
#include "backends/cuda/kernels/elementwise_loop.cuh"

namespace fovea::cuda::kernels::elementwise {

struct AddFn {
  template <typename C>
  __device__ C operator()(C a, C b) const { return wrapping_add(a, b); }
};
struct SubFn {
  template <typename C>
  __device__ C operator()(C a, C b) const { return wrapping_sub(a, b); }
};
struct MulFn {
  template <typename C>
  __device__ C operator()(C a, C b) const { return wrapping_mul(a, b); }
};
struct DivFn {
  template <typename C>
  __device__ C operator()(C a, C b) const { return safe_div(a, b); }
};
// fmod: the result takes the dividend's sign; otherwise the divisor's. x % 0 is 0 for integers.
struct ModFn {
  bool c_fmod;
  template <typename C>
  __device__ C operator()(C a, C b) const {
    if constexpr (std::is_floating_point_v<C>) {
      C r = dmath::fmod(a, b);
      if (!c_fmod && r != C(0) && ((r < C(0)) != (b < C(0)))) r += b;
      return r;
    } else {
      if (b == 0) return 0;
      if constexpr (std::is_signed_v<C>) {
        if (b == C(-1)) return 0;  // also avoids INT_MIN % -1
        C r = static_cast<C>(a % b);
        if (!c_fmod && r != 0 && ((r < 0) != (b < 0))) r = static_cast<C>(r + b);
        return r;
      } else {
        return static_cast<C>(a % b);
      }
    }
  }
};
// NaN wins, as np.minimum / np.maximum.
struct MinFn {
  template <typename C>
  __device__ C operator()(C a, C b) const { return is_nan(a) ? a : (b < a || is_nan(b)) ? b : a; }
};
struct MaxFn {
  template <typename C>
  __device__ C operator()(C a, C b) const { return is_nan(a) ? a : (b > a || is_nan(b)) ? b : a; }
};
struct PReluFn {
  template <typename C>
  __device__ C operator()(C x, C slope) const { return is_negative(x) ? wrapping_mul(x, slope) : x; }
};
// Shifting by the type's width or more gives 0.
struct BitShiftFn {
  bool left;
  template <typename C>
  __device__ C operator()(C a, C b) const {
    if (b >= sizeof(C) * 8) return 0;
    using Wide = std::conditional_t<(sizeof(C) < sizeof(unsigned)), unsigned, C>;
    return static_cast<C>(left ? static_cast<Wide>(a) << b : static_cast<Wide>(a) >> b);
  }
};

struct EqualFn {
  template <typename C>
  __device__ bool operator()(C a, C b) const { return a == b; }
};
struct LessFn {
  template <typename C>
  __device__ bool operator()(C a, C b) const { return a < b; }
};
struct GreaterFn {
  template <typename C>
  __device__ bool operator()(C a, C b) const { return a > b; }
};
struct LessOrEqualFn {
  template <typename C>
  __device__ bool operator()(C a, C b) const { return a <= b; }
};
struct GreaterOrEqualFn {
  template <typename C>
  __device__ bool operator()(C a, C b) const { return a >= b; }
};
struct AndFn {
  __device__ bool operator()(bool a, bool b) const { return a && b; }
};
struct OrFn {
  __device__ bool operator()(bool a, bool b) const { return a || b; }
};
struct XorFn {
  __device__ bool operator()(bool a, bool b) const { return a != b; }
};

// Applies a compute-type functor to storage values A and B, storing the result as Out.
template <typename A, typename B, typename Out, typename Fn>
struct StorageBinary {
  Fn fn;
  __device__ __forceinline__ Out operator()(A a, B b) const { return store_as<Out>(fn(widen(a), widen(b))); }
};

// out = fn(a, b) with a of type A, b of type B, out of type Out; vectorized when all three are
// the same float32 / float16 type.
template <typename A, typename B, typename Out, typename Fn>
cudaError_t launch_binary_typed(const Fn& fn, const ElementwiseOperand& a, const ElementwiseOperand& b, void* out,
                                const std::vector<int64_t>& out_dims, cudaStream_t stream) {
  Operand<A> oa;
  Operand<B> ob;
  if (!make_operand(a.data, a.dims, out_dims, &oa) || !make_operand(b.data, b.dims, out_dims, &ob))
    return cudaErrorInvalidValue;
  constexpr int vec = std::is_same_v<A, B> && std::is_same_v<A, Out> ? kVectorWidth<A> : 1;
  return launch_elementwise<vec>(static_cast<Out*>(out), elementwise_numel(out_dims), stream,
                                 StorageBinary<A, B, Out, Fn>{fn}, oa, ob);
}

// Both inputs and the output of one numeric kind.
template <typename Fn>
cudaError_t launch_numeric_binary(const Fn& fn, const ElementwiseOperand& a, const ElementwiseOperand& b, void* out,
                                  const std::vector<int64_t>& out_dims, cudaStream_t stream) {
  if (a.kind != b.kind) return cudaErrorNotSupported;
  FOVEA_KIND_SWITCH_NUMERIC(a.kind, T, { return launch_binary_typed<T, T, T>(fn, a, b, out, out_dims, stream); });
  return cudaErrorNotSupported;
}

// Per-file parts of launch_binary; each returns cudaErrorNotSupported for ops it does not own.
cudaError_t launch_binary_arithmetic(const BinaryParams& params, const ElementwiseOperand& a,
                                     const ElementwiseOperand& b, void* out, const std::vector<int64_t>& out_dims,
                                     cudaStream_t stream);
cudaError_t launch_binary_select(const BinaryParams& params, const ElementwiseOperand& a, const ElementwiseOperand& b,
                                 void* out, const std::vector<int64_t>& out_dims, cudaStream_t stream);

}  // namespace fovea::cuda::kernels::elementwise
