// A batched 2-D transpose where one side is a few channels (2 to 4): NCHW -> NHWC of an image
// ([batch, C, pixels] -> [batch, pixels, C], "planar to interleaved") and back. The tiled
// transpose would leave most of each 32x32 tile idle there; instead each thread moves a run of
// pixels of every channel, with 16-byte loads and stores when every plane starts 16-byte aligned.
// Framework-free.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "backends/cuda/kernels/int_divider.h"
#include "backends/cuda/kernels/strided_copy.h"
#include "backends/cuda/kernels/word_copy.h"

namespace fovea::cuda::kernels {

inline constexpr int64_t kMaxSmallChannels = 4;

// Whether launch_channel_transpose takes `p` (in: [batch, rows, cols] -> out: [batch, cols, rows]).
inline bool is_channel_transpose(const BatchedTransposeParams& p) {
  auto small = [](int64_t n) { return n >= 2 && n <= kMaxSmallChannels; };
  return small(p.rows) || small(p.cols);
}

// The bytes of one channel a thread moves with one access: 16 when every plane (pixels
// elements) and both pointers are 16-byte aligned, else the element size (one pixel a thread).
inline int64_t channel_transpose_access_bytes(int64_t pixels, int64_t element_size, uintptr_t in, uintptr_t out) {
  if (element_size < 16 && (pixels * element_size) % 16 == 0 && in % 16 == 0 && out % 16 == 0) return 16;
  return element_size;
}

// What one thread does (the kernel loops t over batch * runs, runs = pixels / R; host tests
// replay it): R consecutive pixels of all C channels of one batch item, as R elements of each
// plane (one word per channel) and the C * R interleaved elements (C words). Runs are
// consecutive across a warp, so the plane accesses are fully coalesced and the interleaved ones
// cover one contiguous span. R * sizeof(E) is 16 on the vector path, R = 1 otherwise; R divides
// pixels. I is uint32_t when every element index is below 2^31, else uint64_t.
template <typename E, int C, int R, bool kToInterleaved, typename I>
FOVEA_HOST_DEVICE void channel_transpose_run(const E* in, E* out, int64_t pixels, IntDivider<I> runs, I t) {
  const I b = runs.div(t), r = t - b * runs.divisor;
  const E* src = in + b * C * pixels;
  E* dst = out + b * C * pixels;
  E planar[C][R];       // planar[c][m]: channel c of pixel r * R + m
  E interleaved[C][R];  // the run's C * R interleaved elements, R per word
  if constexpr (kToInterleaved) {
    for (int c = 0; c < C; ++c) load_word(src + c * pixels + r * R, planar[c]);
    for (int e = 0; e < C * R; ++e) interleaved[e / R][e % R] = planar[e % C][e / C];
    for (int j = 0; j < C; ++j) store_word(dst + r * R * C + j * R, interleaved[j]);
  } else {
    for (int j = 0; j < C; ++j) load_word(src + r * R * C + j * R, interleaved[j]);
    for (int e = 0; e < C * R; ++e) planar[e % C][e / C] = interleaved[e / R][e % R];
    for (int c = 0; c < C; ++c) store_word(dst + c * pixels + r * R, planar[c]);
  }
}

// Needs is_channel_transpose(p) and an element size of 1, 2, 4 or 8 (else cudaErrorInvalidValue).
cudaError_t launch_channel_transpose(const BatchedTransposeParams& p, const void* in, void* out, cudaStream_t stream);

}  // namespace fovea::cuda::kernels
