#include "backends/cuda/kernels/gather.h"

#include "backends/cuda/kernels/device_common.cuh"
#include "backends/cuda/kernels/index_load.cuh"
#include "backends/cuda/kernels/word_size.h"

namespace fovea::cuda::kernels {
namespace {

// Calls launch.template operator()<W>() with W the unsigned word of `size` bytes.
template <typename Launch>
cudaError_t with_word(int64_t size, Launch&& launch) {
  switch (size) {
    case 1: return launch(uint8_t{});
    case 2: return launch(uint16_t{});
    case 4: return launch(uint32_t{});
    case 8: return launch(uint64_t{});
    case 16: return launch(uint4{});
    default: return cudaErrorInvalidValue;
  }
}

template <typename W>
__global__ void gather_kernel(GatherParams p, const W* data, const void* indices, W* out) {
  const int64_t n = p.outer * p.index_count * p.inner;
  FOVEA_GRID_STRIDE_LOOP(i, n) {
    const int64_t e = i % p.inner;
    const int64_t ok = i / p.inner;
    const int64_t k = ok % p.index_count;
    const int64_t o = ok / p.index_count;
    int64_t v = load_index(indices, p.indices_int64, k);
    if (v < 0) v += p.axis_dim;
    out[i] = (v >= 0 && v < p.axis_dim) ? data[(o * p.axis_dim + v) * p.inner + e] : W{};
  }
}

template <typename W>
__global__ void gather_elements_kernel(GatherElementsParams p, const W* data, const void* indices, W* out) {
  int64_t n = 1;
  for (int d = 0; d < p.rank; ++d) n *= p.index_dims[d];
  FOVEA_GRID_STRIDE_LOOP(i, n) {
    int64_t v = load_index(indices, p.indices_int64, i);
    if (v < 0) v += p.axis_dim;
    if (v < 0 || v >= p.axis_dim) {
      out[i] = W{};
      continue;
    }
    int64_t rest = i, off = 0;
    for (int d = p.rank - 1; d >= 0; --d) {
      const int64_t idx = rest % p.index_dims[d];
      rest /= p.index_dims[d];
      off += (d == p.axis ? v : idx) * p.data_strides[d];
    }
    out[i] = data[off];
  }
}

template <typename W>
__global__ void gather_nd_kernel(GatherNdParams p, const W* data, const void* indices, W* out) {
  int64_t block = p.slice;  // data elements per batch
  for (int j = 0; j < p.index_depth; ++j) block *= p.dims[j];
  const int64_t n = p.batches * p.tuples * p.slice;
  FOVEA_GRID_STRIDE_LOOP(i, n) {
    const int64_t e = i % p.slice;
    const int64_t bt = i / p.slice;  // batch * tuples + tuple
    const int64_t b = bt / p.tuples;
    int64_t off = 0;
    bool inside = true;
    for (int j = 0; j < p.index_depth; ++j) {
      int64_t v = load_index(indices, p.indices_int64, bt * p.index_depth + j);
      if (v < 0) v += p.dims[j];
      inside = inside && v >= 0 && v < p.dims[j];
      off = off * p.dims[j] + v;
    }
    out[i] = inside ? data[b * block + off * p.slice + e] : W{};
  }
}

}  // namespace

cudaError_t launch_gather(const GatherParams& p, const void* data, const void* indices, void* out,
                          cudaStream_t stream) {
  const int64_t n = p.outer * p.index_count * p.inner;
  if (n == 0) return cudaSuccess;
  // Whole inner runs move together: widen the word when the run and the pointers allow it.
  const int64_t w = widest_word_size(p.element_size, p.inner * p.element_size,
                                     {reinterpret_cast<uintptr_t>(data), reinterpret_cast<uintptr_t>(out)});
  GatherParams q = p;
  q.inner = p.inner * p.element_size / w;
  q.element_size = w;
  const int64_t words = q.outer * q.index_count * q.inner;
  return with_word(w, [&](auto word) {
    using W = decltype(word);
    gather_kernel<W><<<blocks_for(words), kThreadsPerBlock, 0, stream>>>(q, static_cast<const W*>(data), indices,
                                                                         static_cast<W*>(out));
    return cudaGetLastError();
  });
}

cudaError_t launch_gather_elements(const GatherElementsParams& p, const void* data, const void* indices, void* out,
                                   cudaStream_t stream) {
  int64_t n = 1;
  for (int d = 0; d < p.rank; ++d) n *= p.index_dims[d];
  if (n == 0) return cudaSuccess;
  if (p.element_size == 16) return cudaErrorInvalidValue;
  return with_word(p.element_size, [&](auto word) {
    using W = decltype(word);
    gather_elements_kernel<W><<<blocks_for(n), kThreadsPerBlock, 0, stream>>>(p, static_cast<const W*>(data),
                                                                              indices, static_cast<W*>(out));
    return cudaGetLastError();
  });
}

cudaError_t launch_gather_nd(const GatherNdParams& p, const void* data, const void* indices, void* out,
                             cudaStream_t stream) {
  const int64_t n = p.batches * p.tuples * p.slice;
  if (n == 0) return cudaSuccess;
  const int64_t w = widest_word_size(p.element_size, p.slice * p.element_size,
                                     {reinterpret_cast<uintptr_t>(data), reinterpret_cast<uintptr_t>(out)});
  GatherNdParams q = p;
  q.slice = p.slice * p.element_size / w;
  q.element_size = w;
  const int64_t words = q.batches * q.tuples * q.slice;
  return with_word(w, [&](auto word) {
    using W = decltype(word);
    gather_nd_kernel<W><<<blocks_for(words), kThreadsPerBlock, 0, stream>>>(q, static_cast<const W*>(data), indices,
                                                                            static_cast<W*>(out));
    return cudaGetLastError();
  });
}

}  // namespace fovea::cuda::kernels
