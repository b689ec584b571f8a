// CumSum and ReverseSequence launchers: ops that walk along one axis. Framework-free.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "backends/cuda/kernels/scalar_kind.h"

namespace fovea::cuda::kernels {

// in/out [outer, n, inner]: running sums along n (exclusive: without the element itself;
// reverse: from the end). One thread per line; floats accumulate in double like the CPU
// reference. Kinds: kF32, kF16, kF64, kI32, kI64.
struct CumSumParams {
  int64_t outer = 1, n = 0, inner = 1;
  bool exclusive = false, reverse = false;
  ScalarKind kind = ScalarKind::kF32;
};
cudaError_t launch_cum_sum(const CumSumParams& p, const void* in, void* out, cudaStream_t stream);

// x [steps, batch, inner] (time_axis 0) or [batch, steps, inner] (time_axis 1): for each batch
// entry b the first lens[b] steps are reversed, the rest copied. A length outside [0, steps] is
// clamped into it: the CPU reference returns an error, which a kernel cannot.
struct ReverseSequenceParams {
  int64_t batch = 0, steps = 0, inner = 1;
  int time_axis = 0;
  bool lens_int64 = true;
  int64_t element_size = 0;  // 1, 2, 4 or 8
};
cudaError_t launch_reverse_sequence(const ReverseSequenceParams& p, const void* in, const void* lens, void* out,
                                    cudaStream_t stream);

}  // namespace fovea::cuda::kernels
