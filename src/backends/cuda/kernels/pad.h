// Pad launcher (constant / reflect / edge / wrap). Negative pads crop first and the positive
// ones then pad the cropped range, as the CPU reference (and numpy) do. Framework-free.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "backends/cuda/kernels/scalar_kind.h"
#include "backends/cuda/kernels/strided_indexer.h"

namespace fovea::cuda::kernels {

enum class PadKind { kConstant, kReflect, kEdge, kWrap };

struct PadParams {
  int rank = 0;
  int64_t out_dims[kMaxRank] = {};
  int64_t in_strides[kMaxRank] = {};
  int64_t begin[kMaxRank] = {};  // max(begin pad, 0): where the kept range starts in the output
  int64_t crop[kMaxRank] = {};   // max(-begin pad, 0): input elements cropped at the start
  int64_t kept[kMaxRank] = {};   // input elements kept after cropping both ends
  PadKind mode = PadKind::kConstant;
  uint64_t fill_bits = 0;        // the constant, as the low element_size bytes
  int64_t element_size = 0;      // 1, 2, 4 or 8
};

// The kept-range index that output index `o` reads along one axis, or -1 for the constant (also
// when nothing is kept on the axis). Shared by the kernel and the host tests.
FOVEA_HOST_DEVICE int64_t pad_source_index(int64_t o, int64_t begin, int64_t kept, PadKind mode) {
  const int64_t i = o - begin;
  if (i >= 0 && i < kept) return i;
  if (kept <= 0) return -1;
  switch (mode) {
    case PadKind::kConstant: return -1;
    case PadKind::kEdge: return i < 0 ? 0 : kept - 1;
    case PadKind::kWrap: return ((i % kept) + kept) % kept;
    case PadKind::kReflect: {
      if (kept == 1) return 0;
      const int64_t period = 2 * (kept - 1);
      const int64_t m = ((i % period) + period) % period;
      return m < kept ? m : period - m;
    }
  }
  return -1;
}

cudaError_t launch_pad(const PadParams& p, const void* in, void* out, cudaStream_t stream);

}  // namespace fovea::cuda::kernels
