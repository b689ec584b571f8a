// Launchers that write values computed from parameters alone: a repeated element (ConstantOfShape,
// Dropout's mask), a small byte blob (Constant, Shape, Size), Range and EyeLike. Values travel
// by value in the params struct, never through a host pointer, so launches can be captured into
// CUDA graphs. Framework-free.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "backends/cuda/kernels/scalar_kind.h"

namespace fovea::cuda::kernels {

// out[i] = the element whose bits are the low element_size bytes of `bits`, for i < count.
struct FillParams {
  int64_t count = 0;
  int64_t element_size = 0;  // 1, 2, 4 or 8
  uint64_t bits = 0;
};
cudaError_t launch_fill(const FillParams& p, void* out, cudaStream_t stream);

// out[0 .. size) = bytes.
struct ByteBlob {
  static constexpr int kMaxBytes = 256;
  int size = 0;
  unsigned char bytes[kMaxBytes] = {};
};
cudaError_t launch_write_bytes(const ByteBlob& blob, void* out, cudaStream_t stream);

// out[i] = start + i * delta computed in the element type (kF32, kF64, kI16, kI32, kI64);
// start and delta are given as the element's bits.
struct RangeParams {
  int64_t count = 0;
  ScalarKind kind = ScalarKind::kF32;
  uint64_t start_bits = 0, delta_bits = 0;
};
cudaError_t launch_range(const RangeParams& p, void* out, cudaStream_t stream);

// out [rows, cols]: one_bits at (i, i + k), zero elsewhere.
struct EyeLikeParams {
  int64_t rows = 0, cols = 0, k = 0;
  int64_t element_size = 0;
  uint64_t one_bits = 0;
};
cudaError_t launch_eye_like(const EyeLikeParams& p, void* out, cudaStream_t stream);

}  // namespace fovea::cuda::kernels
