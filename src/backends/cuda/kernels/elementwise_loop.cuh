// The elementwise kernel engine: out[i] = fn(in_0[..], in_1[..], ...) over the output's
// elements, each input read through its OperandAccess (full, scalar, channel or strided).
// When every pointer is aligned and no input needs strided indexing, each thread handles VEC
// consecutive elements with one 16-byte load per full input and one store; otherwise one
// element per step. Grid-stride loops, no synchronization, no allocation. The output may alias
// an input of its own shape (in-place use). Include only from .cu files.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "backends/cuda/kernels/device_common.cuh"
#include "backends/cuda/kernels/elementwise_math.cuh"
#include "backends/cuda/kernels/elementwise_operand.h"

namespace fovea::cuda::kernels::elementwise {

template <typename T, int N>
struct alignas(sizeof(T) * N) AlignedVector {
  T v[N];
};

// Elements per thread worth vectorizing for: 16 bytes of float32 / float16, else 1.
template <typename T>
inline constexpr int kVectorWidth = std::is_same_v<T, float> ? 4 : std::is_same_v<T, __half> ? 8 : 1;

// One input of a launch, as the device reads it.
template <typename T>
struct Operand {
  const T* data = nullptr;
  OperandAccess access;

  __device__ __forceinline__ T at(int64_t i) const { return data[access.offset(i)]; }

  // Elements [base, base + VEC): a vector load for a full input and for a channel input with
  // inner size 1 (a last-dim row such as a channels-last bias; the host checked that VEC divides
  // the row); a repeated value for scalar inputs and other channel inputs (whose inner size the
  // host checked to be a multiple of VEC).
  template <int VEC>
  __device__ __forceinline__ AlignedVector<T, VEC> load(int64_t base) const {
    if (access.mode == OperandMode::kFull) return *reinterpret_cast<const AlignedVector<T, VEC>*>(data + base);
    if (access.mode == OperandMode::kChannel && access.inner == 1)
      return *reinterpret_cast<const AlignedVector<T, VEC>*>(data + access.offset(base));
    AlignedVector<T, VEC> r;
    const T v = data[access.offset(base)];
#pragma unroll
    for (int j = 0; j < VEC; ++j) r.v[j] = v;
    return r;
  }

  bool vectorizable(int vec) const {
    switch (access.mode) {
      case OperandMode::kFull: return reinterpret_cast<uintptr_t>(data) % (sizeof(T) * vec) == 0;
      case OperandMode::kScalar: return true;
      case OperandMode::kChannel:
        if (access.inner == 1)
          return access.channels % vec == 0 && reinterpret_cast<uintptr_t>(data) % (sizeof(T) * vec) == 0;
        return access.inner % vec == 0;
      case OperandMode::kStrided: return false;
    }
    return false;
  }
};

// Builds the device view of an input broadcast onto out_dims (false: rank over kMaxRank).
template <typename T>
bool make_operand(const void* data, const std::vector<int64_t>& in_dims, const std::vector<int64_t>& out_dims,
                  Operand<T>* op) {
  op->data = static_cast<const T*>(data);
  return plan_operand_access(out_dims, in_dims, &op->access);
}

template <int VEC, typename Out, typename Fn, typename... V>
__device__ __forceinline__ void apply_and_store(Out* dst, const Fn& fn, const V&... vs) {
  AlignedVector<Out, VEC> r;
#pragma unroll
  for (int j = 0; j < VEC; ++j) r.v[j] = fn(vs.v[j]...);
  *reinterpret_cast<AlignedVector<Out, VEC>*>(dst) = r;
}

template <int VEC, typename Out, typename Fn, typename... Ins>
__global__ void elementwise_kernel(Out* out, int64_t n, Fn fn, Operand<Ins>... ins) {
  if constexpr (VEC == 1) {
    FOVEA_GRID_STRIDE_LOOP(i, n) { out[i] = fn(ins.at(i)...); }
  } else {
    const int64_t vectors = n / VEC;
    FOVEA_GRID_STRIDE_LOOP(v, vectors) {
      const int64_t base = v * VEC;
      apply_and_store<VEC>(out + base, fn, ins.template load<VEC>(base)...);
    }
    // The last n % VEC elements, one per thread of the first threads.
    const int64_t i = vectors * VEC + static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i < n) out[i] = fn(ins.at(i)...);
  }
}

// Launches out[i] = fn(ins...) over n output elements; VEC elements per thread when every
// pointer allows it (VEC = 1: always one at a time). Returns the launch error, if any.
template <int VEC, typename Out, typename Fn, typename... Ins>
cudaError_t launch_elementwise(Out* out, int64_t n, cudaStream_t stream, const Fn& fn, const Operand<Ins>&... ins) {
  if (n <= 0) return cudaSuccess;
  if constexpr (VEC > 1) {
    const bool aligned = reinterpret_cast<uintptr_t>(out) % (sizeof(Out) * VEC) == 0 && (ins.vectorizable(VEC) && ...);
    if (aligned && n >= VEC) {
      const int64_t vectors = n / VEC;
      elementwise_kernel<VEC, Out, Fn, Ins...><<<blocks_for(vectors), kThreadsPerBlock, 0, stream>>>(out, n, fn, ins...);
      return cudaGetLastError();
    }
  }
  elementwise_kernel<1, Out, Fn, Ins...><<<blocks_for(n), kThreadsPerBlock, 0, stream>>>(out, n, fn, ins...);
  return cudaGetLastError();
}

// Calls BODY with T bound to the device type of a ScalarKind, for the listed families; other
// kinds fall through to the statement after the macro.
#define FOVEA_KIND_CASE(KIND, CTYPE, T, ...)      \
  case ::fovea::cuda::kernels::ScalarKind::KIND: { \
    using T = CTYPE;                               \
    __VA_ARGS__;                                   \
    break;                                         \
  }
// float32, float16, float64 and every integer type (no bool).
#define FOVEA_KIND_SWITCH_NUMERIC(KIND, T, ...)      \
  switch (KIND) {                                    \
    FOVEA_KIND_CASE(kF32, float, T, __VA_ARGS__)     \
    FOVEA_KIND_CASE(kF16, __half, T, __VA_ARGS__)    \
    FOVEA_KIND_CASE(kF64, double, T, __VA_ARGS__)    \
    FOVEA_KIND_CASE(kI64, int64_t, T, __VA_ARGS__)   \
    FOVEA_KIND_CASE(kI32, int32_t, T, __VA_ARGS__)   \
    FOVEA_KIND_CASE(kI16, int16_t, T, __VA_ARGS__)   \
    FOVEA_KIND_CASE(kI8, int8_t, T, __VA_ARGS__)     \
    FOVEA_KIND_CASE(kU8, uint8_t, T, __VA_ARGS__)    \
    FOVEA_KIND_CASE(kU16, uint16_t, T, __VA_ARGS__)  \
    FOVEA_KIND_CASE(kU32, uint32_t, T, __VA_ARGS__)  \
    FOVEA_KIND_CASE(kU64, uint64_t, T, __VA_ARGS__)  \
    default: break;                                  \
  }
// float32, float16, float64.
#define FOVEA_KIND_SWITCH_FLOAT(KIND, T, ...)     \
  switch (KIND) {                                 \
    FOVEA_KIND_CASE(kF32, float, T, __VA_ARGS__)  \
    FOVEA_KIND_CASE(kF16, __half, T, __VA_ARGS__) \
    FOVEA_KIND_CASE(kF64, double, T, __VA_ARGS__) \
    default: break;                               \
  }
// Every kind, bool included.
#define FOVEA_KIND_SWITCH_ALL(KIND, T, ...)          \
  switch (KIND) {                                    \
    FOVEA_KIND_CASE(kF32, float, T, __VA_ARGS__)     \
    FOVEA_KIND_CASE(kF16, __half, T, __VA_ARGS__)    \
    FOVEA_KIND_CASE(kF64, double, T, __VA_ARGS__)    \
    FOVEA_KIND_CASE(kI64, int64_t, T, __VA_ARGS__)   \
    FOVEA_KIND_CASE(kI32, int32_t, T, __VA_ARGS__)   \
    FOVEA_KIND_CASE(kI16, int16_t, T, __VA_ARGS__)   \
    FOVEA_KIND_CASE(kI8, int8_t, T, __VA_ARGS__)     \
    FOVEA_KIND_CASE(kU8, uint8_t, T, __VA_ARGS__)    \
    FOVEA_KIND_CASE(kU16, uint16_t, T, __VA_ARGS__)  \
    FOVEA_KIND_CASE(kU32, uint32_t, T, __VA_ARGS__)  \
    FOVEA_KIND_CASE(kU64, uint64_t, T, __VA_ARGS__)  \
    FOVEA_KIND_CASE(kBool, bool, T, __VA_ARGS__)     \
    default: break;                                  \
  }

}  // namespace fovea::cuda::kernels::elementwise
