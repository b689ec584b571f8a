// Softmax family. A contiguous axis (inner == 1) runs one block per row: max, sum of exp, write,
// each a block-wide pass. A strided axis (YOLO's DFL softmax over dim 1) runs one thread per
// (outer, inner) lane, neighbouring threads reading neighbouring elements.
#include "backends/cuda/kernels/softmax.h"

#include "backends/cuda/kernels/block_reduce.cuh"
#include "backends/cuda/kernels/device_common.cuh"

namespace fovea::cuda::kernels {
namespace {

struct MaxOf {
  __device__ __forceinline__ float operator()(float a, float b) const { return a < b ? b : a; }
};
struct SumOf {
  __device__ __forceinline__ float operator()(float a, float b) const { return a + b; }
};

template <typename T, bool kLog>
__global__ void softmax_rows(const T* x, T* y, SoftmaxParams p) {
  __shared__ float scratch[32];
  for (int64_t o = blockIdx.x; o < p.outer; o += gridDim.x) {
    const int64_t base = o * p.n;
    float mx = -INFINITY;
    for (int64_t k = threadIdx.x; k < p.n; k += blockDim.x) mx = MaxOf{}(mx, load_float(x, base + k));
    mx = block_reduce(mx, MaxOf{}, scratch);
    float sum = 0.f;
    for (int64_t k = threadIdx.x; k < p.n; k += blockDim.x) sum += expf(load_float(x, base + k) - mx);
    sum = block_reduce(sum, SumOf{}, scratch);
    const float scale = kLog ? logf(sum) : 1.f / sum;
    for (int64_t k = threadIdx.x; k < p.n; k += blockDim.x) {
      const float v = load_float(x, base + k) - mx;
      store_float(y, base + k, kLog ? v - scale : expf(v) * scale);
    }
  }
}

template <typename T, bool kLog>
__global__ void softmax_columns(const T* x, T* y, SoftmaxParams p) {
  FOVEA_GRID_STRIDE_LOOP(i, p.outer * p.inner) {
    const int64_t o = i / p.inner, j = i % p.inner;
    const int64_t base = o * p.n * p.inner + j;
    float mx = -INFINITY;
    for (int64_t k = 0; k < p.n; ++k) mx = MaxOf{}(mx, load_float(x, base + k * p.inner));
    float sum = 0.f;
    for (int64_t k = 0; k < p.n; ++k) sum += expf(load_float(x, base + k * p.inner) - mx);
    const float scale = kLog ? logf(sum) : 1.f / sum;
    for (int64_t k = 0; k < p.n; ++k) {
      const float v = load_float(x, base + k * p.inner) - mx;
      store_float(y, base + k * p.inner, kLog ? v - scale : expf(v) * scale);
    }
  }
}

// The first maximum (strict >, as the CPU reference scans) gets 1, everything else 0.
template <typename T>
__global__ void hardmax_columns(const T* x, T* y, SoftmaxParams p) {
  FOVEA_GRID_STRIDE_LOOP(i, p.outer * p.inner) {
    const int64_t o = i / p.inner, j = i % p.inner;
    const int64_t base = o * p.n * p.inner + j;
    int64_t best = 0;
    float bv = p.n > 0 ? load_float(x, base) : 0.f;
    for (int64_t k = 1; k < p.n; ++k) {
      const float v = load_float(x, base + k * p.inner);
      if (v > bv) best = k, bv = v;
    }
    for (int64_t k = 0; k < p.n; ++k) store_float(y, base + k * p.inner, k == best ? 1.f : 0.f);
  }
}

template <typename T, bool kLog>
cudaError_t softmax_typed(const SoftmaxParams& p, const T* x, T* y, cudaStream_t stream) {
  if (p.inner == 1 && p.n > 32) {
    const int64_t blocks = p.outer < (1 << 20) ? p.outer : (1 << 20);
    softmax_rows<T, kLog><<<static_cast<unsigned>(blocks), threads_for_row(p.n), 0, stream>>>(x, y, p);
  } else {
    softmax_columns<T, kLog><<<blocks_for(p.outer * p.inner), kThreadsPerBlock, 0, stream>>>(x, y, p);
  }
  return cudaGetLastError();
}

template <typename T>
cudaError_t dispatch_mode(const SoftmaxParams& p, const void* x, void* y, cudaStream_t stream) {
  const T* xt = static_cast<const T*>(x);
  T* yt = static_cast<T*>(y);
  switch (p.mode) {
    case SoftmaxMode::kSoftmax: return softmax_typed<T, false>(p, xt, yt, stream);
    case SoftmaxMode::kLogSoftmax: return softmax_typed<T, true>(p, xt, yt, stream);
    case SoftmaxMode::kHardmax:
      hardmax_columns<T><<<blocks_for(p.outer * p.inner), kThreadsPerBlock, 0, stream>>>(xt, yt, p);
      return cudaGetLastError();
  }
  return cudaErrorInvalidValue;
}

}  // namespace

bool softmax_supports(ScalarKind kind) { return kind == ScalarKind::kF32 || kind == ScalarKind::kF16; }

cudaError_t launch_softmax(const SoftmaxParams& p, const void* x, void* y, cudaStream_t stream) {
  if (p.outer * p.n * p.inner == 0) return cudaSuccess;
  switch (p.kind) {
    case ScalarKind::kF32: return dispatch_mode<float>(p, x, y, stream);
    case ScalarKind::kF16: return dispatch_mode<__half>(p, x, y, stream);
    default: return cudaErrorInvalidValue;
  }
}

}  // namespace fovea::cuda::kernels
