#include "backends/cpu/vector_math.h"

#include <algorithm>

namespace fovea::cpu {

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
static void sigmoid_block(const float* in, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = sigmoid_float(in[i]);
}

void sigmoid_array(const float* in, float* out, int64_t n) {
  constexpr int64_t kBlock = 16384;
  if (n <= kBlock) {
    sigmoid_block(in, out, n);
    return;
  }
#pragma omp parallel for schedule(static)
  for (int64_t b = 0; b < n; b += kBlock) sigmoid_block(in + b, out + b, std::min(kBlock, n - b));
}

}  // namespace fovea::cpu
