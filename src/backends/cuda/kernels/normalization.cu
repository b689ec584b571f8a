// BatchNormalization, InstanceNormalization, LayerNormalization and LRN. Instance and layer
// norm run one block per plane/row (mean, then variance around it, then the write: three
// coalesced passes); batch norm and LRN are one thread per element.
#include "backends/cuda/kernels/normalization.h"

#include "backends/cuda/kernels/block_reduce.cuh"
#include "backends/cuda/kernels/device_common.cuh"

namespace fovea::cuda::kernels {
namespace {

__device__ __forceinline__ float load_param(ScalarKind kind, const void* p, int64_t i) {
  switch (kind) {
    case ScalarKind::kF16: return __half2float(static_cast<const __half*>(p)[i]);
    case ScalarKind::kF64: return static_cast<float>(static_cast<const double*>(p)[i]);
    default: return static_cast<const float*>(p)[i];
  }
}

__device__ __forceinline__ void store_param(ScalarKind kind, void* p, int64_t i, float v) {
  switch (kind) {
    case ScalarKind::kF16: static_cast<__half*>(p)[i] = __float2half_rn(v); break;
    case ScalarKind::kF64: static_cast<double*>(p)[i] = v; break;
    default: static_cast<float*>(p)[i] = v; break;
  }
}

struct SumOf {
  __device__ __forceinline__ float operator()(float a, float b) const { return a + b; }
};

template <typename T>
__global__ void batch_norm_kernel(const T* x, const void* scale, const void* bias, const void* mean, const void* var,
                                  T* y, BatchNormParams p) {
  FOVEA_GRID_STRIDE_LOOP(i, p.n * p.c * p.inner) {
    const int64_t pos = i % p.inner;
    const int64_t ch = (i / p.inner) % p.c;
    const int64_t pi = p.per_channel ? ch : ch * p.inner + pos;
    const float a = load_param(p.scale_kind, scale, pi) / sqrtf(load_param(p.var_kind, var, pi) + p.epsilon);
    const float b = load_param(p.bias_kind, bias, pi) - load_param(p.mean_kind, mean, pi) * a;
    store_float(y, i, load_float(x, i) * a + b);
  }
}

// Mean and 1/sqrt(var + eps) of `len` elements at x + base, by the whole block.
template <typename T>
__device__ __forceinline__ void row_moments(const T* x, int64_t base, int64_t len, float eps, float* scratch,
                                            float* mean, float* inv_std) {
  float sum = 0.f;
  for (int64_t i = threadIdx.x; i < len; i += blockDim.x) sum += load_float(x, base + i);
  const float m = len > 0 ? block_reduce(sum, SumOf{}, scratch) / static_cast<float>(len) : 0.f;
  float sq = 0.f;
  for (int64_t i = threadIdx.x; i < len; i += blockDim.x) {
    const float d = load_float(x, base + i) - m;
    sq += d * d;
  }
  const float total = block_reduce(sq, SumOf{}, scratch);
  *mean = m;
  *inv_std = 1.f / sqrtf((len > 0 ? total / static_cast<float>(len) : 0.f) + eps);
}

template <typename T>
__global__ void instance_norm_kernel(const T* x, const void* scale, const void* bias, T* y, InstanceNormParams p) {
  __shared__ float scratch[32];
  for (int64_t plane = blockIdx.x; plane < p.n * p.c; plane += gridDim.x) {
    const int64_t base = plane * p.inner;
    float mean, inv_std;
    row_moments(x, base, p.inner, p.epsilon, scratch, &mean, &inv_std);
    const int64_t ch = plane % p.c;
    const float a = load_param(p.scale_kind, scale, ch) * inv_std;
    const float b = load_param(p.bias_kind, bias, ch) - mean * a;
    for (int64_t i = threadIdx.x; i < p.inner; i += blockDim.x) store_float(y, base + i, load_float(x, base + i) * a + b);
  }
}

template <typename T>
__global__ void layer_norm_kernel(const T* x, const void* scale, const void* bias, T* y, void* mean_out,
                                  void* inv_std_out, LayerNormParams p) {
  __shared__ float scratch[32];
  for (int64_t row = blockIdx.x; row < p.outer; row += gridDim.x) {
    const int64_t base = row * p.inner;
    float mean, inv_std;
    row_moments(x, base, p.inner, p.epsilon, scratch, &mean, &inv_std);
    for (int64_t i = threadIdx.x; i < p.inner; i += blockDim.x) {
      const int64_t si = p.scale_contiguous ? i : p.scale_index.offset(i);
      float v = (load_float(x, base + i) - mean) * inv_std * load_param(p.scale_kind, scale, si);
      if (bias) v += load_param(p.bias_kind, bias, p.bias_contiguous ? i : p.bias_index.offset(i));
      store_float(y, base + i, v);
    }
    if (threadIdx.x == 0) {
      if (mean_out) store_param(p.mean_kind, mean_out, row, mean);
      if (inv_std_out) store_param(p.inv_std_kind, inv_std_out, row, inv_std);
    }
  }
}

template <typename T>
__global__ void lrn_kernel(const T* x, T* y, LrnParams p) {
  const int64_t before = (p.size - 1) / 2, after = p.size - 1 - before;
  FOVEA_GRID_STRIDE_LOOP(i, p.n * p.c * p.inner) {
    const int64_t pos = i % p.inner;
    const int64_t ch = (i / p.inner) % p.c;
    const int64_t b = i / (p.inner * p.c);
    const int64_t lo = ch - before < 0 ? 0 : ch - before;
    const int64_t hi = ch + after > p.c - 1 ? p.c - 1 : ch + after;
    float sum = 0.f;
    for (int64_t k = lo; k <= hi; ++k) {
      const float v = load_float(x, (b * p.c + k) * p.inner + pos);
      sum += v * v;
    }
    store_float(y, i, load_float(x, i) / powf(p.bias + p.alpha / static_cast<float>(p.size) * sum, p.beta));
  }
}

unsigned blocks_for_rows(int64_t rows) { return static_cast<unsigned>(rows < (1 << 20) ? rows : (1 << 20)); }

}  // namespace

bool normalization_supports(ScalarKind k) { return k == ScalarKind::kF32 || k == ScalarKind::kF16; }
bool normalization_param_supports(ScalarKind k) {
  return k == ScalarKind::kF32 || k == ScalarKind::kF16 || k == ScalarKind::kF64;
}

cudaError_t launch_batch_norm(const BatchNormParams& p, const void* x, const void* scale, const void* bias,
                              const void* mean, const void* var, void* y, cudaStream_t stream) {
  const int64_t total = p.n * p.c * p.inner;
  if (total == 0) return cudaSuccess;
  if (p.x_kind == ScalarKind::kF16)
    batch_norm_kernel<<<blocks_for(total), kThreadsPerBlock, 0, stream>>>(
        static_cast<const __half*>(x), scale, bias, mean, var, static_cast<__half*>(y), p);
  else
    batch_norm_kernel<<<blocks_for(total), kThreadsPerBlock, 0, stream>>>(
        static_cast<const float*>(x), scale, bias, mean, var, static_cast<float*>(y), p);
  return cudaGetLastError();
}

cudaError_t launch_instance_norm(const InstanceNormParams& p, const void* x, const void* scale, const void* bias,
                                 void* y, cudaStream_t stream) {
  if (p.n * p.c * p.inner == 0) return cudaSuccess;
  const unsigned blocks = blocks_for_rows(p.n * p.c);
  const int threads = threads_for_row(p.inner);
  if (p.x_kind == ScalarKind::kF16)
    instance_norm_kernel<<<blocks, threads, 0, stream>>>(static_cast<const __half*>(x), scale, bias,
                                                         static_cast<__half*>(y), p);
  else
    instance_norm_kernel<<<blocks, threads, 0, stream>>>(static_cast<const float*>(x), scale, bias,
                                                         static_cast<float*>(y), p);
  return cudaGetLastError();
}

cudaError_t launch_layer_norm(const LayerNormParams& p, const void* x, const void* scale, const void* bias, void* y,
                              void* mean_out, void* inv_std_out, cudaStream_t stream) {
  if (p.outer == 0) return cudaSuccess;
  const unsigned blocks = blocks_for_rows(p.outer);
  const int threads = threads_for_row(p.inner);
  if (p.x_kind == ScalarKind::kF16)
    layer_norm_kernel<<<blocks, threads, 0, stream>>>(static_cast<const __half*>(x), scale, bias,
                                                      static_cast<__half*>(y), mean_out, inv_std_out, p);
  else
    layer_norm_kernel<<<blocks, threads, 0, stream>>>(static_cast<const float*>(x), scale, bias,
                                                      static_cast<float*>(y), mean_out, inv_std_out, p);
  return cudaGetLastError();
}

cudaError_t launch_lrn(const LrnParams& p, const void* x, void* y, cudaStream_t stream) {
  const int64_t total = p.n * p.c * p.inner;
  if (total == 0) return cudaSuccess;
  if (p.kind == ScalarKind::kF16)
    lrn_kernel<<<blocks_for(total), kThreadsPerBlock, 0, stream>>>(static_cast<const __half*>(x),
                                                                   static_cast<__half*>(y), p);
  else
    lrn_kernel<<<blocks_for(total), kThreadsPerBlock, 0, stream>>>(static_cast<const float*>(x),
                                                                   static_cast<float*>(y), p);
  return cudaGetLastError();
}

}  // namespace fovea::cuda::kernels
