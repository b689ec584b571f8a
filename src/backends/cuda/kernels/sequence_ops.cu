#include "backends/cuda/kernels/sequence_ops.h"

#include "backends/cuda/kernels/device_common.cuh"
#include "backends/cuda/kernels/index_load.cuh"

namespace fovea::cuda::kernels {
namespace {

// Element reads and writes for the accumulation; half goes through float.
template <typename T>
__device__ __forceinline__ T load_value(const T* p, int64_t i) { return p[i]; }
__device__ __forceinline__ float load_value(const __half* p, int64_t i) { return __half2float(p[i]); }
template <typename T, typename Acc>
__device__ __forceinline__ void store_value(T* p, int64_t i, Acc v) { p[i] = static_cast<T>(v); }
template <typename Acc>
__device__ __forceinline__ void store_value(__half* p, int64_t i, Acc v) { p[i] = __float2half_rn(static_cast<float>(v)); }

template <typename T, typename Acc>
__global__ void cum_sum_kernel(CumSumParams p, const T* in, T* out) {
  const int64_t lines = p.outer * p.inner;
  FOVEA_GRID_STRIDE_LOOP(line, lines) {
    const int64_t o = line / p.inner, j = line - o * p.inner;
    Acc acc = 0;
    for (int64_t s = 0; s < p.n; ++s) {
      const int64_t k = p.reverse ? p.n - 1 - s : s;
      const int64_t at = (o * p.n + k) * p.inner + j;
      const Acc v = static_cast<Acc>(load_value(in, at));
      if (p.exclusive) {
        store_value(out, at, acc);
        acc += v;
      } else {
        acc += v;
        store_value(out, at, acc);
      }
    }
  }
}

template <typename T, typename Acc>
cudaError_t cum_sum_as(const CumSumParams& p, const void* in, void* out, cudaStream_t stream) {
  cum_sum_kernel<T, Acc><<<blocks_for(p.outer * p.inner), kThreadsPerBlock, 0, stream>>>(
      p, static_cast<const T*>(in), static_cast<T*>(out));
  return cudaGetLastError();
}

template <typename W>
__global__ void reverse_sequence_kernel(ReverseSequenceParams p, const W* in, const void* lens, W* out) {
  const int64_t n = p.batch * p.steps * p.inner;
  FOVEA_GRID_STRIDE_LOOP(i, n) {
    const int64_t e = i % p.inner;
    const int64_t outer = i / p.inner;  // position in the [steps, batch] or [batch, steps] grid
    int64_t t, b;
    if (p.time_axis == 0) {
      t = outer / p.batch;
      b = outer - t * p.batch;
    } else {
      b = outer / p.steps;
      t = outer - b * p.steps;
    }
    int64_t len = load_index(lens, p.lens_int64, b);
    len = len < 0 ? 0 : len > p.steps ? p.steps : len;
    const int64_t src_t = t < len ? len - 1 - t : t;
    const int64_t src_outer = p.time_axis == 0 ? src_t * p.batch + b : b * p.steps + src_t;
    out[i] = in[src_outer * p.inner + e];
  }
}

template <typename W>
cudaError_t reverse_sequence_as(const ReverseSequenceParams& p, const void* in, const void* lens, void* out,
                                cudaStream_t stream) {
  reverse_sequence_kernel<W><<<blocks_for(p.batch * p.steps * p.inner), kThreadsPerBlock, 0, stream>>>(
      p, static_cast<const W*>(in), lens, static_cast<W*>(out));
  return cudaGetLastError();
}

}  // namespace

cudaError_t launch_cum_sum(const CumSumParams& p, const void* in, void* out, cudaStream_t stream) {
  if (p.outer * p.n * p.inner == 0) return cudaSuccess;
  switch (p.kind) {
    case ScalarKind::kF32: return cum_sum_as<float, double>(p, in, out, stream);
    case ScalarKind::kF16: return cum_sum_as<__half, double>(p, in, out, stream);
    case ScalarKind::kF64: return cum_sum_as<double, double>(p, in, out, stream);
    case ScalarKind::kI32: return cum_sum_as<int32_t, int32_t>(p, in, out, stream);
    case ScalarKind::kI64: return cum_sum_as<int64_t, int64_t>(p, in, out, stream);
    default: return cudaErrorInvalidValue;
  }
}

cudaError_t launch_reverse_sequence(const ReverseSequenceParams& p, const void* in, const void* lens, void* out,
                                    cudaStream_t stream) {
  if (p.batch * p.steps * p.inner == 0) return cudaSuccess;
  switch (p.element_size) {
    case 1: return reverse_sequence_as<uint8_t>(p, in, lens, out, stream);
    case 2: return reverse_sequence_as<uint16_t>(p, in, lens, out, stream);
    case 4: return reverse_sequence_as<uint32_t>(p, in, lens, out, stream);
    case 8: return reverse_sequence_as<uint64_t>(p, in, lens, out, stream);
    default: return cudaErrorInvalidValue;
  }
}

}  // namespace fovea::cuda::kernels
