// Division by a divisor fixed at launch time. For 32-bit indices below 2^31 it is one
// multiply-high, an add and a shift (Granlund & Montgomery, the form PyTorch's IntDivider uses)
// instead of the ~20 instructions of a division by a runtime value: index decoding is what the
// data movement kernels spend their instructions on. 64-bit indices divide plainly. Host and
// device (the host tests replay the kernels with it). Framework-free.
#pragma once

#include <cstdint>

#include "backends/cuda/kernels/strided_indexer.h"

namespace fovea::cuda::kernels {

template <typename I>
struct IntDivider;

template <>
struct IntDivider<uint32_t> {
  uint32_t divisor = 1, multiplier = 1;  // divisor 1: shift 0, multiplier 1 -> n
  uint32_t shift = 0;

  IntDivider() = default;
  // divisor in [1, 2^31].
  explicit IntDivider(uint32_t d) : divisor(d) {
    while (shift < 32 && (uint64_t{1} << shift) < d) ++shift;
    multiplier = static_cast<uint32_t>(((uint64_t{1} << 32) * ((uint64_t{1} << shift) - d)) / d + 1);
  }
  // n / divisor for n < 2^31.
  FOVEA_HOST_DEVICE uint32_t div(uint32_t n) const {
#ifdef __CUDA_ARCH__
    const uint32_t t = __umulhi(n, multiplier);
#else
    const uint32_t t = static_cast<uint32_t>((uint64_t{n} * multiplier) >> 32);
#endif
    return (t + n) >> shift;
  }
};

template <>
struct IntDivider<uint64_t> {
  uint64_t divisor = 1;

  IntDivider() = default;
  explicit IntDivider(uint64_t d) : divisor(d) {}
  FOVEA_HOST_DEVICE uint64_t div(uint64_t n) const { return n / divisor; }
};

}  // namespace fovea::cuda::kernels
