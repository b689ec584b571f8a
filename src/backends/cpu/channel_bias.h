// y[b, m, ...] += bias[m] over an NC... tensor: the bias pass of Conv and ConvTranspose.
#pragma once

#include <cstdint>

namespace fovea::cpu {

template <typename T>
void add_channel_bias(T* y, const T* bias, int64_t batch, int64_t channels, int64_t spatial_size) {
#pragma omp parallel for schedule(static)
  for (int64_t bm = 0; bm < batch * channels; ++bm) {
    const T v = bias[bm % channels];
    T* yc = y + bm * spatial_size;
    for (int64_t i = 0; i < spatial_size; ++i) yc[i] += v;
  }
}

}  // namespace fovea::cpu
