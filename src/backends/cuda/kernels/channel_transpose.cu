#include "backends/cuda/kernels/channel_transpose.h"

#include "backends/cuda/kernels/device_common.cuh"

namespace fovea::cuda::kernels {
namespace {

// The loops of channel_transpose_run have compile-time bounds: nvcc unrolls them and keeps
// both arrays in registers. With I = uint32_t every index is below 2^31, so t + step cannot wrap.
template <typename E, int C, int R, bool kToInterleaved, typename I>
__global__ void channel_transpose_kernel(const E* in, E* out, I total, IntDivider<I> runs, int64_t pixels) {
  // One flat index over (batch item, run), so a small image in a large batch keeps every lane busy.
  const I step = static_cast<I>(blockDim.x) * gridDim.x;
  for (I t = static_cast<I>(blockIdx.x) * blockDim.x + threadIdx.x; t < total; t += step)
    channel_transpose_run<E, C, R, kToInterleaved, I>(in, out, pixels, runs, t);
}

template <typename E, int C, int R, bool kToInterleaved>
cudaError_t launch_runs(int64_t batch, int64_t pixels, const void* in, void* out, cudaStream_t stream) {
  const int64_t runs = pixels / R, total = batch * runs;
  const E* src = static_cast<const E*>(in);
  E* dst = static_cast<E*>(out);
  if (total * R * C <= int64_t{0x7fffffff}) {
    channel_transpose_kernel<E, C, R, kToInterleaved, uint32_t><<<blocks_for(total), kThreadsPerBlock, 0, stream>>>(
        src, dst, static_cast<uint32_t>(total), IntDivider<uint32_t>(static_cast<uint32_t>(runs)), pixels);
  } else {
    channel_transpose_kernel<E, C, R, kToInterleaved, uint64_t><<<blocks_for(total), kThreadsPerBlock, 0, stream>>>(
        src, dst, static_cast<uint64_t>(total), IntDivider<uint64_t>(static_cast<uint64_t>(runs)), pixels);
  }
  return cudaGetLastError();
}

template <typename E, int C, bool kToInterleaved>
cudaError_t launch_as(int64_t batch, int64_t pixels, bool vector, const void* in, void* out, cudaStream_t stream) {
  constexpr int kVectorRun = static_cast<int>(16 / sizeof(E));
  if (vector) return launch_runs<E, C, kVectorRun, kToInterleaved>(batch, pixels, in, out, stream);
  return launch_runs<E, C, 1, kToInterleaved>(batch, pixels, in, out, stream);
}

template <typename E, bool kToInterleaved>
cudaError_t launch_channels(int64_t channels, int64_t batch, int64_t pixels, bool vector, const void* in, void* out,
                            cudaStream_t stream) {
  switch (channels) {
    case 2: return launch_as<E, 2, kToInterleaved>(batch, pixels, vector, in, out, stream);
    case 3: return launch_as<E, 3, kToInterleaved>(batch, pixels, vector, in, out, stream);
    case 4: return launch_as<E, 4, kToInterleaved>(batch, pixels, vector, in, out, stream);
    default: return cudaErrorInvalidValue;
  }
}

template <typename E>
cudaError_t launch_direction(bool to_interleaved, int64_t channels, int64_t batch, int64_t pixels, bool vector,
                             const void* in, void* out, cudaStream_t stream) {
  return to_interleaved ? launch_channels<E, true>(channels, batch, pixels, vector, in, out, stream)
                        : launch_channels<E, false>(channels, batch, pixels, vector, in, out, stream);
}

}  // namespace

cudaError_t launch_channel_transpose(const BatchedTransposeParams& p, const void* in, void* out, cudaStream_t stream) {
  if (p.batch == 0 || p.rows == 0 || p.cols == 0) return cudaSuccess;
  if (!is_channel_transpose(p)) return cudaErrorInvalidValue;
  // rows few: planes [channels = rows, pixels = cols] become interleaved; else the input is
  // interleaved [pixels = rows, channels = cols] and becomes planes.
  const bool to_interleaved = p.rows >= 2 && p.rows <= kMaxSmallChannels;
  const int64_t channels = to_interleaved ? p.rows : p.cols;
  const int64_t pixels = to_interleaved ? p.cols : p.rows;
  const bool vector = channel_transpose_access_bytes(pixels, p.element_size, reinterpret_cast<uintptr_t>(in),
                                                     reinterpret_cast<uintptr_t>(out)) == 16;
  switch (p.element_size) {
    case 1: return launch_direction<uint8_t>(to_interleaved, channels, p.batch, pixels, vector, in, out, stream);
    case 2: return launch_direction<uint16_t>(to_interleaved, channels, p.batch, pixels, vector, in, out, stream);
    case 4: return launch_direction<uint32_t>(to_interleaved, channels, p.batch, pixels, vector, in, out, stream);
    case 8: return launch_direction<uint64_t>(to_interleaved, channels, p.batch, pixels, vector, in, out, stream);
    default: return cudaErrorInvalidValue;
  }
}

}  // namespace fovea::cuda::kernels
