#include "backends/cuda/kernels/one_hot_trilu.h"

#include "backends/cuda/kernels/device_common.cuh"
#include "backends/cuda/kernels/index_load.cuh"

namespace fovea::cuda::kernels {
namespace {

template <typename W>
__global__ void one_hot_kernel(OneHotParams p, const void* indices, const W* values, W* out) {
  const W off = values[0], on = values[1];
  const int64_t n = p.outer * p.depth * p.inner;
  FOVEA_GRID_STRIDE_LOOP(i, n) {
    const int64_t j = i % p.inner;
    const int64_t od = i / p.inner;
    const int64_t d = od % p.depth, o = od / p.depth;
    bool valid = true;
    int64_t v = load_any_index(indices, p.index_kind, o * p.inner + j, &valid);
    if (v < 0) v += p.depth;
    out[i] = valid && v == d ? on : off;
  }
}

template <typename W>
__global__ void trilu_kernel(TriluParams p, const W* in, W* out) {
  const int64_t n = p.matrices * p.rows * p.cols;
  FOVEA_GRID_STRIDE_LOOP(i, n) {
    const int64_t c = i % p.cols;
    const int64_t r = (i / p.cols) % p.rows;
    const bool keep = p.upper ? c - r >= p.k : c - r <= p.k;
    out[i] = keep ? in[i] : W{0};
  }
}

template <typename F>
cudaError_t with_word(int64_t size, F&& f) {
  switch (size) {
    case 1: return f(uint8_t{});
    case 2: return f(uint16_t{});
    case 4: return f(uint32_t{});
    case 8: return f(uint64_t{});
    default: return cudaErrorInvalidValue;
  }
}

}  // namespace

cudaError_t launch_one_hot(const OneHotParams& p, const void* indices, const void* values, void* out,
                           cudaStream_t stream) {
  const int64_t n = p.outer * p.depth * p.inner;
  if (n == 0) return cudaSuccess;
  return with_word(p.element_size, [&](auto word) {
    using W = decltype(word);
    one_hot_kernel<W><<<blocks_for(n), kThreadsPerBlock, 0, stream>>>(p, indices, static_cast<const W*>(values),
                                                                      static_cast<W*>(out));
    return cudaGetLastError();
  });
}

cudaError_t launch_trilu(const TriluParams& p, const void* in, void* out, cudaStream_t stream) {
  const int64_t n = p.matrices * p.rows * p.cols;
  if (n == 0) return cudaSuccess;
  return with_word(p.element_size, [&](auto word) {
    using W = decltype(word);
    trilu_kernel<W><<<blocks_for(n), kThreadsPerBlock, 0, stream>>>(p, static_cast<const W*>(in),
                                                                     static_cast<W*>(out));
    return cudaGetLastError();
  });
}

}  // namespace fovea::cuda::kernels
