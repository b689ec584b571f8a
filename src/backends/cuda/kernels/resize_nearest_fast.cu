// The nearest fast paths of resize_fast_paths.h: "runs" (each output pixel copies its source
// pixel's trailing run, NHWC channels, as words of up to 16 bytes) and "rows" (the last axis
// is resized, NCHW: each thread writes 16 bytes of one output row from single-element loads).
// The per-thread code is in resize_fast_bodies.h.
#include "backends/cuda/kernels/device_common.cuh"
#include "backends/cuda/kernels/resize_fast_bodies.h"

namespace fovea::cuda::kernels {
namespace {

template <typename I>
__device__ __forceinline__ I grid_start() {
  return static_cast<I>(blockIdx.x) * blockDim.x + threadIdx.x;
}
template <typename I>
__device__ __forceinline__ I grid_step() {
  return static_cast<I>(blockDim.x) * gridDim.x;
}

// With I = uint32_t every index is below 2^31, so i + step cannot wrap.
template <typename W, typename I>
__global__ void nearest_runs_kernel(NearestAxes<I> a, IntDivider<I> words_per_run, I total, const W* in, W* out) {
  for (I i = grid_start<I>(); i < total; i += grid_step<I>()) nearest_runs_word(a, words_per_run, i, in, out);
}

template <typename E, int V, typename I>
__global__ void nearest_rows_kernel(NearestAxes<I> a, IntDivider<I> chunks_per_row, I total, const E* in, E* out) {
  for (I t = grid_start<I>(); t < total; t += grid_step<I>())
    nearest_rows_chunk<E, V, I>(a, chunks_per_row, t, in, out);
}

template <typename W, typename I>
cudaError_t runs_as(const NearestFastPlan& plan, const void* in, void* out, cudaStream_t stream) {
  int64_t pixels = 1;
  for (int d = 0; d < plan.rank; ++d) pixels *= plan.axes[d].out_len;
  const int64_t words_per_run = plan.inner * plan.element_size / static_cast<int64_t>(sizeof(W));
  const int64_t total = pixels * words_per_run;
  nearest_runs_kernel<W, I><<<blocks_for(total), kThreadsPerBlock, 0, stream>>>(
      nearest_axes<I>(plan), IntDivider<I>(static_cast<I>(words_per_run)), static_cast<I>(total),
      static_cast<const W*>(in), static_cast<W*>(out));
  return cudaGetLastError();
}

template <typename E, int V, typename I>
cudaError_t rows_as(const NearestFastPlan& plan, const void* in, void* out, cudaStream_t stream) {
  int64_t rows = 1;
  for (int d = 0; d + 1 < plan.rank; ++d) rows *= plan.axes[d].out_len;
  const int64_t chunks_per_row = plan.axes[plan.rank - 1].out_len / V;
  const int64_t total = rows * chunks_per_row;
  nearest_rows_kernel<E, V, I><<<blocks_for(total), kThreadsPerBlock, 0, stream>>>(
      nearest_axes<I>(plan), IntDivider<I>(static_cast<I>(chunks_per_row)), static_cast<I>(total),
      static_cast<const E*>(in), static_cast<E*>(out));
  return cudaGetLastError();
}

template <typename I>
cudaError_t runs_with_index(const NearestFastPlan& plan, const void* in, void* out, cudaStream_t stream) {
  switch (plan.word_bytes) {
    case 1: return runs_as<uint8_t, I>(plan, in, out, stream);
    case 2: return runs_as<uint16_t, I>(plan, in, out, stream);
    case 4: return runs_as<uint32_t, I>(plan, in, out, stream);
    case 8: return runs_as<uint2, I>(plan, in, out, stream);
    case 16: return runs_as<uint4, I>(plan, in, out, stream);
    default: return cudaErrorInvalidValue;
  }
}

template <typename E, typename I>
cudaError_t rows_of(const NearestFastPlan& plan, const void* in, void* out, cudaStream_t stream) {
  constexpr int kVector = static_cast<int>(16 / sizeof(E));
  if (plan.chunk == kVector) return rows_as<E, kVector, I>(plan, in, out, stream);
  if (plan.chunk == 1) return rows_as<E, 1, I>(plan, in, out, stream);
  return cudaErrorInvalidValue;
}

template <typename I>
cudaError_t rows_with_index(const NearestFastPlan& plan, const void* in, void* out, cudaStream_t stream) {
  switch (plan.element_size) {
    case 1: return rows_of<uint8_t, I>(plan, in, out, stream);
    case 2: return rows_of<uint16_t, I>(plan, in, out, stream);
    case 4: return rows_of<uint32_t, I>(plan, in, out, stream);
    case 8: return rows_of<uint64_t, I>(plan, in, out, stream);
    default: return cudaErrorInvalidValue;
  }
}

}  // namespace

cudaError_t launch_resize_nearest_fast(const NearestFastPlan& plan, const void* in, void* out, cudaStream_t stream) {
  if (plan.kind == NearestFastKind::kRows) {
    if (plan.rank < 1) return cudaErrorInvalidValue;
    return plan.wide_index ? rows_with_index<uint64_t>(plan, in, out, stream)
                           : rows_with_index<uint32_t>(plan, in, out, stream);
  }
  return plan.wide_index ? runs_with_index<uint64_t>(plan, in, out, stream)
                         : runs_with_index<uint32_t>(plan, in, out, stream);
}

}  // namespace fovea::cuda::kernels
