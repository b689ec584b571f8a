// Einsum: per output element, an odometer over the reduction axes moves one offset per input.
#include "backends/cuda/kernels/einsum.h"

#include "backends/cuda/kernels/device_common.cuh"

namespace fovea::cuda::kernels {
namespace {

template <typename T>
__device__ __forceinline__ auto load_element(const void* p, int64_t i) {
  if constexpr (sizeof(T) == 2) return load_float(static_cast<const T*>(p), i);
  else return static_cast<const T*>(p)[i];
}

template <typename T, typename Acc>
__global__ void einsum_kernel(EinsumParams p, T* y) {
  FOVEA_GRID_STRIDE_LOOP(o, p.out_count) {
    int64_t off[kMaxEinsumInputs] = {};
    int64_t rem = o;
    for (int d = p.out_rank - 1; d >= 0; --d) {
      const int64_t c = rem % p.out_size[d];
      rem /= p.out_size[d];
      for (int i = 0; i < p.num_inputs; ++i) off[i] += c * p.out_stride[i][d];
    }
    int64_t idx[kMaxEinsumAxes] = {};
    Acc acc = 0;
    while (true) {
      Acc prod = 1;
      for (int i = 0; i < p.num_inputs; ++i) prod *= static_cast<Acc>(load_element<T>(p.inputs[i], off[i]));
      acc += prod;
      int k = p.red_rank - 1;
      for (; k >= 0; --k) {  // advance the odometer
        for (int i = 0; i < p.num_inputs; ++i) off[i] += p.red_stride[i][k];
        if (++idx[k] < p.red_size[k]) break;
        for (int i = 0; i < p.num_inputs; ++i) off[i] -= p.red_stride[i][k] * p.red_size[k];
        idx[k] = 0;
      }
      if (k < 0) break;
    }
    if constexpr (sizeof(T) == 2) store_float(y, o, acc);
    else y[o] = static_cast<T>(acc);
  }
}

}  // namespace

bool einsum_supports(ScalarKind k) {
  return k == ScalarKind::kF32 || k == ScalarKind::kF16 || k == ScalarKind::kI32 || k == ScalarKind::kI64;
}

cudaError_t launch_einsum(const EinsumParams& p, void* y, cudaStream_t stream) {
  if (p.out_count == 0) return cudaSuccess;
  const unsigned blocks = blocks_for(p.out_count);
  switch (p.kind) {
    case ScalarKind::kF32: einsum_kernel<float, float><<<blocks, kThreadsPerBlock, 0, stream>>>(p, static_cast<float*>(y)); break;
    case ScalarKind::kF16: einsum_kernel<__half, float><<<blocks, kThreadsPerBlock, 0, stream>>>(p, static_cast<__half*>(y)); break;
    case ScalarKind::kI32: einsum_kernel<int32_t, long long><<<blocks, kThreadsPerBlock, 0, stream>>>(p, static_cast<int32_t*>(y)); break;
    case ScalarKind::kI64: einsum_kernel<int64_t, long long><<<blocks, kThreadsPerBlock, 0, stream>>>(p, static_cast<int64_t*>(y)); break;
    default: return cudaErrorInvalidValue;
  }
  return cudaGetLastError();
}

}  // namespace fovea::cuda::kernels
