#include "backends/cuda/kernels/conv_window_copy.h"

#include "backends/cuda/kernels/device_common.cuh"

namespace fovea::cuda::kernels {
namespace {

template <typename T>
__global__ void window_copy_kernel(WindowCopyParams p, const T* __restrict__ src, T* __restrict__ dst) {
  int64_t dst_plane = 1, src_plane = 1;
  for (int d = 0; d < p.rank; ++d) dst_plane *= p.dst_dims[d], src_plane *= p.src_dims[d];
  const int64_t total = p.planes * dst_plane;
  FOVEA_GRID_STRIDE_LOOP(i, total) {
    int64_t rest = i % dst_plane;
    int64_t src_off = 0, src_stride = 1;
    bool inside = true;
    for (int d = p.rank - 1; d >= 0; --d) {
      const int64_t o = rest % p.dst_dims[d];
      rest /= p.dst_dims[d];
      const int64_t s = o + p.offset[d];
      inside = inside && s >= 0 && s < p.src_dims[d];
      src_off += s * src_stride;
      src_stride *= p.src_dims[d];
    }
    dst[i] = inside ? src[(i / dst_plane) * src_plane + src_off] : T(0);
  }
}

template <typename T>
cudaError_t launch(const WindowCopyParams& p, const void* src, void* dst, cudaStream_t stream) {
  int64_t total = p.planes;
  for (int d = 0; d < p.rank; ++d) total *= p.dst_dims[d];
  if (total <= 0) return cudaSuccess;
  window_copy_kernel<T><<<blocks_for(total), kThreadsPerBlock, 0, stream>>>(p, static_cast<const T*>(src),
                                                                            static_cast<T*>(dst));
  return cudaGetLastError();
}

}  // namespace

cudaError_t launch_window_copy(ScalarKind kind, const WindowCopyParams& p, const void* src, void* dst,
                               cudaStream_t stream) {
  if (p.rank < 1 || p.rank > kMaxWindowCopyRank) return cudaErrorInvalidValue;
  switch (scalar_size(kind)) {
    case 1: return launch<uint8_t>(p, src, dst, stream);
    case 2: return launch<uint16_t>(p, src, dst, stream);
    case 4: return launch<uint32_t>(p, src, dst, stream);
    case 8: return launch<uint64_t>(p, src, dst, stream);
    default: return cudaErrorInvalidValue;
  }
}

}  // namespace fovea::cuda::kernels
