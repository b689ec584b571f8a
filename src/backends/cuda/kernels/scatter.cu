#include "backends/cuda/kernels/scatter.h"

#include <cstring>

#include "backends/cuda/kernels/device_common.cuh"
#include "backends/cuda/kernels/index_load.cuh"

namespace fovea::cuda::kernels {
namespace {

template <typename To, typename From>
__device__ __forceinline__ To bits_as(From f) {
  static_assert(sizeof(To) == sizeof(From), "same size");
  To t;
  memcpy(&t, &f, sizeof(To));
  return t;
}

// How an update combines with the element it lands on, as the CPU reference's combine():
// half computes in float, bool treats add/max as "or" and mul/min as "and".
template <typename T>
__device__ __forceinline__ T combine(T a, T b, ScatterReduction r) {
  switch (r) {
    case ScatterReduction::kAdd: return static_cast<T>(a + b);
    case ScatterReduction::kMul: return static_cast<T>(a * b);
    case ScatterReduction::kMax: return a < b ? b : a;
    case ScatterReduction::kMin: return b < a ? b : a;
    default: return b;
  }
}
template <>
__device__ __forceinline__ __half combine<__half>(__half a, __half b, ScatterReduction r) {
  return __float2half_rn(combine(__half2float(a), __half2float(b), r));
}
template <>
__device__ __forceinline__ bool combine<bool>(bool a, bool b, ScatterReduction r) {
  return (r == ScatterReduction::kAdd || r == ScatterReduction::kMax) ? (a || b) : (a && b);
}

// Read-combine-compare-and-swap on the word holding *addr. One-byte types swap the aligned
// 32-bit word around them (CUDA has no 8-bit compare-and-swap).
template <typename T>
__device__ void atomic_combine(T* addr, T value, ScatterReduction r) {
  if constexpr (sizeof(T) == 8) {
    auto* p = reinterpret_cast<unsigned long long*>(addr);
    unsigned long long old = *p, assumed;
    do {
      assumed = old;
      old = atomicCAS(p, assumed, bits_as<unsigned long long>(combine(bits_as<T>(assumed), value, r)));
    } while (old != assumed);
  } else if constexpr (sizeof(T) == 4) {
    auto* p = reinterpret_cast<unsigned int*>(addr);
    unsigned int old = *p, assumed;
    do {
      assumed = old;
      old = atomicCAS(p, assumed, bits_as<unsigned int>(combine(bits_as<T>(assumed), value, r)));
    } while (old != assumed);
  } else if constexpr (sizeof(T) == 2) {
    auto* p = reinterpret_cast<unsigned short int*>(addr);
    unsigned short int old = *p, assumed;
    do {
      assumed = old;
      old = atomicCAS(p, assumed, bits_as<unsigned short int>(combine(bits_as<T>(assumed), value, r)));
    } while (old != assumed);
  } else {
    const uintptr_t a = reinterpret_cast<uintptr_t>(addr);
    auto* p = reinterpret_cast<unsigned int*>(a & ~uintptr_t{3});
    const unsigned shift = static_cast<unsigned>(a & 3) * 8;
    unsigned int old = *p, assumed;
    do {
      assumed = old;
      const uint8_t cur = static_cast<uint8_t>((assumed >> shift) & 0xffu);
      const uint8_t next = bits_as<uint8_t>(combine(bits_as<T>(cur), value, r));
      const unsigned int word = (assumed & ~(0xffu << shift)) | (static_cast<unsigned int>(next) << shift);
      old = atomicCAS(p, assumed, word);
    } while (old != assumed);
  }
}

template <typename T>
__device__ __forceinline__ void apply_update(T* out, int64_t at, T value, ScatterReduction r) {
  if (r == ScatterReduction::kNone) out[at] = value;
  else atomic_combine(out + at, value, r);
}

template <typename T>
__global__ void scatter_nd_kernel(ScatterNdParams p, const void* indices, const T* updates, T* out) {
  const int64_t n = p.tuples * p.inner;
  FOVEA_GRID_STRIDE_LOOP(i, n) {
    const int64_t t = i / p.inner, e = i - t * p.inner;
    int64_t off = 0;
    bool inside = true;
    for (int j = 0; j < p.index_depth; ++j) {
      int64_t v = load_index(indices, p.indices_int64, t * p.index_depth + j);
      if (v < 0) v += p.dims[j];
      inside = inside && v >= 0 && v < p.dims[j];
      off = off * p.dims[j] + v;
    }
    if (inside) apply_update(out, off * p.inner + e, updates[i], p.reduction);
  }
}

template <typename T>
__global__ void scatter_elements_kernel(ScatterElementsParams p, const void* indices, const T* updates, T* out) {
  int64_t n = 1;
  for (int d = 0; d < p.rank; ++d) n *= p.index_dims[d];
  FOVEA_GRID_STRIDE_LOOP(i, n) {
    int64_t v = load_index(indices, p.indices_int64, i);
    if (v < 0) v += p.axis_dim;
    if (v < 0 || v >= p.axis_dim) continue;
    int64_t rest = i, off = 0;
    for (int d = p.rank - 1; d >= 0; --d) {
      const int64_t idx = rest % p.index_dims[d];
      rest /= p.index_dims[d];
      off += (d == p.axis ? v : idx) * p.data_strides[d];
    }
    apply_update(out, off, updates[i], p.reduction);
  }
}

// Calls f(T{}) with T the element type of kind k.
template <typename F>
cudaError_t with_type(ScalarKind k, F&& f) {
  switch (k) {
    case ScalarKind::kF32: return f(float{});
    case ScalarKind::kF16: return f(__half{});
    case ScalarKind::kF64: return f(double{});
    case ScalarKind::kI64: return f(int64_t{});
    case ScalarKind::kI32: return f(int32_t{});
    case ScalarKind::kI16: return f(int16_t{});
    case ScalarKind::kI8: return f(int8_t{});
    case ScalarKind::kU8: return f(uint8_t{});
    case ScalarKind::kBool: return f(bool{});
    case ScalarKind::kU16: return f(uint16_t{});
    case ScalarKind::kU32: return f(uint32_t{});
    case ScalarKind::kU64: return f(uint64_t{});
  }
  return cudaErrorInvalidValue;
}

}  // namespace

cudaError_t launch_scatter_nd(const ScatterNdParams& p, const void* indices, const void* updates, void* out,
                              cudaStream_t stream) {
  const int64_t n = p.tuples * p.inner;
  if (n == 0) return cudaSuccess;
  return with_type(p.kind, [&](auto zero) {
    using T = decltype(zero);
    scatter_nd_kernel<T><<<blocks_for(n), kThreadsPerBlock, 0, stream>>>(p, indices, static_cast<const T*>(updates),
                                                                         static_cast<T*>(out));
    return cudaGetLastError();
  });
}

cudaError_t launch_scatter_elements(const ScatterElementsParams& p, const void* indices, const void* updates,
                                    void* out, cudaStream_t stream) {
  int64_t n = 1;
  for (int d = 0; d < p.rank; ++d) n *= p.index_dims[d];
  if (n == 0) return cudaSuccess;
  return with_type(p.kind, [&](auto zero) {
    using T = decltype(zero);
    scatter_elements_kernel<T><<<blocks_for(n), kThreadsPerBlock, 0, stream>>>(
        p, indices, static_cast<const T*>(updates), static_cast<T*>(out));
    return cudaGetLastError();
  });
}

}  // namespace fovea::cuda::kernels
