// How an elementwise kernel reads one operand broadcast onto its output (framework-free).
// The host classifies each operand once per launch so the common cases avoid per-element
// index arithmetic: the output's own shape (read at i), a single value, a "channel" block
// (one run of consecutive dims, e.g. a [1,C,1,1] bias: read at (i / inner) % channels), and
// the general strided case through a StridedIndexer.
#pragma once

#include <cstdint>
#include <vector>

#include "backends/cuda/kernels/scalar_kind.h"
#include "backends/cuda/kernels/strided_indexer.h"

namespace fovea::cuda::kernels {

enum class OperandMode : int32_t { kFull, kScalar, kChannel, kStrided };

// Passed by value to kernels.
struct OperandAccess {
  OperandMode mode = OperandMode::kFull;
  int64_t inner = 1;      // kChannel: output elements per operand element
  int64_t channels = 1;   // kChannel: operand elements
  StridedIndexer ix;      // kStrided

  FOVEA_HOST_DEVICE int64_t offset(int64_t i) const {
    switch (mode) {
      case OperandMode::kFull: return i;
      case OperandMode::kScalar: return 0;
      case OperandMode::kChannel:
        if (((i | inner | channels) >> 31) == 0)  // 32-bit division is far cheaper on the GPU
          return static_cast<int64_t>(static_cast<uint32_t>(i) / static_cast<uint32_t>(inner) %
                                      static_cast<uint32_t>(channels));
        return (i / inner) % channels;
      case OperandMode::kStrided: return ix.offset(i);
    }
    return i;
  }
};

// One input of an elementwise launch: element type, device pointer and dims.
struct ElementwiseOperand {
  ScalarKind kind = ScalarKind::kF32;
  const void* data = nullptr;
  std::vector<int64_t> dims;
};

inline int64_t elementwise_numel(const std::vector<int64_t>& dims) {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

// Classifies `in_dims` broadcast onto `out_dims` (the shape function already checked that
// they broadcast). False when the output's rank exceeds kMaxRank and the strided form is needed.
inline bool plan_operand_access(const std::vector<int64_t>& out_dims, const std::vector<int64_t>& in_dims,
                                OperandAccess* access) {
  const int64_t in_numel = elementwise_numel(in_dims);
  *access = OperandAccess{};
  if (in_numel == elementwise_numel(out_dims)) {  // broadcastable and as many elements: same layout
    access->mode = OperandMode::kFull;
    return true;
  }
  if (in_numel == 1) {
    access->mode = OperandMode::kScalar;
    return true;
  }
  // Output dims the operand does not broadcast over, ignoring output dims of size 1.
  const int rank = static_cast<int>(out_dims.size());
  const int offset = rank - static_cast<int>(in_dims.size());
  int first = -1, last = -1;
  bool one_run = true;
  for (int d = 0; d < rank; ++d) {
    if (out_dims[d] == 1) continue;
    const bool read = d >= offset && in_dims[d - offset] != 1;
    if (!read) continue;
    if (last >= 0) {
      for (int g = last + 1; g < d; ++g)
        if (out_dims[g] != 1) one_run = false;  // a broadcast dim between two read dims
    }
    if (first < 0) first = d;
    last = d;
  }
  if (one_run && first >= 0) {
    int64_t inner = 1;
    for (int d = last + 1; d < rank; ++d) inner *= out_dims[d];
    access->mode = OperandMode::kChannel;
    access->inner = inner;
    access->channels = in_numel;
    return true;
  }
  access->mode = OperandMode::kStrided;
  return make_broadcast_indexer(out_dims, in_dims, &access->ix);
}

}  // namespace fovea::cuda::kernels
