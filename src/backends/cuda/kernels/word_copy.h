// Unsigned words of 1 to 16 bytes for kernels that move elements without looking at them, and
// the register reshuffles between one word and the elements it holds. Host and device: the
// host tests replay the kernels' per-thread code with these. Framework-free.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <cstring>

#include "backends/cuda/kernels/strided_indexer.h"

namespace fovea::cuda::kernels {

template <int Bytes>
struct WordOf;
template <>
struct WordOf<1> { using type = uint8_t; };
template <>
struct WordOf<2> { using type = uint16_t; };
template <>
struct WordOf<4> { using type = uint32_t; };
template <>
struct WordOf<8> { using type = uint2; };
template <>
struct WordOf<16> { using type = uint4; };
template <int Bytes>
using Word = typename WordOf<Bytes>::type;

// N elements of type E from / to one word of N * sizeof(E) bytes at p, which is aligned to it.
// On the device one load or store instruction (the memcpy to registers is free).
template <typename E, int N>
FOVEA_HOST_DEVICE void load_word(const E* p, E (&v)[N]) {
#ifdef __CUDA_ARCH__
  using W = Word<static_cast<int>(N * sizeof(E))>;
  const W w = *reinterpret_cast<const W*>(p);
  memcpy(v, &w, sizeof(w));
#else
  std::memcpy(v, p, N * sizeof(E));
#endif
}
template <typename E, int N>
FOVEA_HOST_DEVICE void store_word(E* p, const E (&v)[N]) {
#ifdef __CUDA_ARCH__
  using W = Word<static_cast<int>(N * sizeof(E))>;
  W w;
  memcpy(&w, v, sizeof(w));
  *reinterpret_cast<W*>(p) = w;
#else
  std::memcpy(p, v, N * sizeof(E));
#endif
}

}  // namespace fovea::cuda::kernels
