#include "backends/cuda/kernels/pad.h"

#include "backends/cuda/kernels/device_common.cuh"

namespace fovea::cuda::kernels {
namespace {

template <typename W>
__global__ void pad_kernel(PadParams p, int64_t n, const W* in, W* out) {
  const W fill = static_cast<W>(p.fill_bits);
  FOVEA_GRID_STRIDE_LOOP(i, n) {
    int64_t rest = i, off = 0;
    bool inside = true;
    for (int d = p.rank - 1; d >= 0; --d) {
      const int64_t o = rest % p.out_dims[d];
      rest /= p.out_dims[d];
      const int64_t s = pad_source_index(o, p.begin[d], p.kept[d], p.mode);
      if (s < 0) {
        inside = false;
        break;
      }
      off += (p.crop[d] + s) * p.in_strides[d];
    }
    out[i] = inside ? in[off] : fill;
  }
}

template <typename W>
cudaError_t pad_as(const PadParams& p, int64_t n, const void* in, void* out, cudaStream_t stream) {
  pad_kernel<W><<<blocks_for(n), kThreadsPerBlock, 0, stream>>>(p, n, static_cast<const W*>(in), static_cast<W*>(out));
  return cudaGetLastError();
}

}  // namespace

cudaError_t launch_pad(const PadParams& p, const void* in, void* out, cudaStream_t stream) {
  int64_t n = 1;
  for (int d = 0; d < p.rank; ++d) n *= p.out_dims[d];
  if (n == 0) return cudaSuccess;
  switch (p.element_size) {
    case 1: return pad_as<uint8_t>(p, n, in, out, stream);
    case 2: return pad_as<uint16_t>(p, n, in, out, stream);
    case 4: return pad_as<uint32_t>(p, n, in, out, stream);
    case 8: return pad_as<uint64_t>(p, n, in, out, stream);
    default: return cudaErrorInvalidValue;
  }
}

}  // namespace fovea::cuda::kernels
