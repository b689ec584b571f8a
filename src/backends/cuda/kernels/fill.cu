#include "backends/cuda/kernels/fill.h"

#include <cstring>

#include "backends/cuda/kernels/device_common.cuh"

namespace fovea::cuda::kernels {
namespace {

template <typename W>
__global__ void fill_kernel(int64_t n, W value, W* out) {
  FOVEA_GRID_STRIDE_LOOP(i, n) { out[i] = value; }
}

__global__ void write_bytes_kernel(ByteBlob blob, unsigned char* out) {
  for (int i = threadIdx.x; i < blob.size; i += blockDim.x) out[i] = blob.bytes[i];
}

// start + i * delta without contracting into a fused multiply-add, so the rounding matches the
// CPU reference's separate multiply and add.
template <typename T>
__device__ __forceinline__ T range_value(T start, T delta, int64_t i) {
  return static_cast<T>(start + static_cast<T>(i) * delta);
}
template <>
__device__ __forceinline__ float range_value<float>(float start, float delta, int64_t i) {
  return __fadd_rn(start, __fmul_rn(static_cast<float>(i), delta));
}
template <>
__device__ __forceinline__ double range_value<double>(double start, double delta, int64_t i) {
  return __dadd_rn(start, __dmul_rn(static_cast<double>(i), delta));
}

template <typename T>
__global__ void range_kernel(int64_t n, uint64_t start_bits, uint64_t delta_bits, T* out) {
  T start, delta;
  memcpy(&start, &start_bits, sizeof(T));
  memcpy(&delta, &delta_bits, sizeof(T));
  FOVEA_GRID_STRIDE_LOOP(i, n) { out[i] = range_value(start, delta, i); }
}

template <typename W>
__global__ void eye_like_kernel(EyeLikeParams p, W one, W* out) {
  const int64_t n = p.rows * p.cols;
  FOVEA_GRID_STRIDE_LOOP(i, n) {
    const int64_t r = i / p.cols, c = i - r * p.cols;
    out[i] = c - r == p.k ? one : W{0};
  }
}

template <typename W>
cudaError_t fill_as(int64_t n, uint64_t bits, void* out, cudaStream_t stream) {
  fill_kernel<W><<<blocks_for(n), kThreadsPerBlock, 0, stream>>>(n, static_cast<W>(bits), static_cast<W*>(out));
  return cudaGetLastError();
}

template <typename T>
cudaError_t range_as(const RangeParams& p, void* out, cudaStream_t stream) {
  range_kernel<T><<<blocks_for(p.count), kThreadsPerBlock, 0, stream>>>(p.count, p.start_bits, p.delta_bits,
                                                                        static_cast<T*>(out));
  return cudaGetLastError();
}

template <typename W>
cudaError_t eye_like_as(const EyeLikeParams& p, void* out, cudaStream_t stream) {
  eye_like_kernel<W><<<blocks_for(p.rows * p.cols), kThreadsPerBlock, 0, stream>>>(p, static_cast<W>(p.one_bits),
                                                                                   static_cast<W*>(out));
  return cudaGetLastError();
}

}  // namespace

cudaError_t launch_fill(const FillParams& p, void* out, cudaStream_t stream) {
  if (p.count == 0) return cudaSuccess;
  switch (p.element_size) {
    case 1: return fill_as<uint8_t>(p.count, p.bits, out, stream);
    case 2: return fill_as<uint16_t>(p.count, p.bits, out, stream);
    case 4: return fill_as<uint32_t>(p.count, p.bits, out, stream);
    case 8: return fill_as<uint64_t>(p.count, p.bits, out, stream);
    default: return cudaErrorInvalidValue;
  }
}

cudaError_t launch_write_bytes(const ByteBlob& blob, void* out, cudaStream_t stream) {
  if (blob.size <= 0) return cudaSuccess;
  if (blob.size > ByteBlob::kMaxBytes) return cudaErrorInvalidValue;
  write_bytes_kernel<<<1, kThreadsPerBlock, 0, stream>>>(blob, static_cast<unsigned char*>(out));
  return cudaGetLastError();
}

cudaError_t launch_range(const RangeParams& p, void* out, cudaStream_t stream) {
  if (p.count == 0) return cudaSuccess;
  switch (p.kind) {
    case ScalarKind::kF32: return range_as<float>(p, out, stream);
    case ScalarKind::kF64: return range_as<double>(p, out, stream);
    case ScalarKind::kI16: return range_as<int16_t>(p, out, stream);
    case ScalarKind::kI32: return range_as<int32_t>(p, out, stream);
    case ScalarKind::kI64: return range_as<int64_t>(p, out, stream);
    default: return cudaErrorInvalidValue;
  }
}

cudaError_t launch_eye_like(const EyeLikeParams& p, void* out, cudaStream_t stream) {
  if (p.rows * p.cols == 0) return cudaSuccess;
  switch (p.element_size) {
    case 1: return eye_like_as<uint8_t>(p, out, stream);
    case 2: return eye_like_as<uint16_t>(p, out, stream);
    case 4: return eye_like_as<uint32_t>(p, out, stream);
    case 8: return eye_like_as<uint64_t>(p, out, stream);
    default: return cudaErrorInvalidValue;
  }
}

}  // namespace fovea::cuda::kernels
