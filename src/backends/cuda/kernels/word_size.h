// The widest word (up to 16 bytes) a pure copy can move at once. Framework-free, host-only.
#pragma once

#include <cstdint>
#include <initializer_list>

namespace fovea::cuda::kernels {

// The largest power of two in [element_size, 16] dividing `run_bytes` (a contiguous run every
// thread block of the copy is made of) and every address. element_size when nothing wider fits.
inline int64_t widest_word_size(int64_t element_size, int64_t run_bytes, std::initializer_list<uintptr_t> addresses) {
  for (int64_t w = 16; w > element_size; w /= 2) {
    bool ok = run_bytes % w == 0;
    for (uintptr_t a : addresses) ok = ok && a % static_cast<uintptr_t>(w) == 0;
    if (ok) return w;
  }
  return element_size;
}

}  // namespace fovea::cuda::kernels
