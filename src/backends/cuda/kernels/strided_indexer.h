// Host-side construction of broadcast/strided index maps for launchers (framework-free).
#pragma once

#include <cstdint>
#include <vector>

#include "backends/cuda/kernels/scalar_kind.h"

#ifdef __CUDACC__
#define FOVEA_HOST_DEVICE __host__ __device__ __forceinline__
#else
#define FOVEA_HOST_DEVICE inline
#endif

namespace fovea::cuda::kernels {

// Maps a linear index in an output of `rank` dims to the element offset in an input whose
// strides (in elements, 0 for broadcast dims) are given. Passed by value to kernels.
struct StridedIndexer {
  int rank = 0;
  int64_t out_dims[kMaxRank] = {};
  int64_t in_strides[kMaxRank] = {};

  FOVEA_HOST_DEVICE int64_t offset(int64_t linear) const {
    int64_t off = 0;
    for (int d = rank - 1; d >= 0; --d) {
      int64_t idx = linear % out_dims[d];
      linear /= out_dims[d];
      off += idx * in_strides[d];
    }
    return off;
  }
};

// An indexer reading `in_dims` broadcast to `out_dims` (false when the rank exceeds kMaxRank).
inline bool make_broadcast_indexer(const std::vector<int64_t>& out_dims, const std::vector<int64_t>& in_dims,
                                   StridedIndexer* ix);

// Element strides of `in_dims` right-aligned against `out_dims`, 0 where the input broadcasts
// (size 1 or missing). Returns false when out_dims has more than kMaxRank dims.
inline bool broadcast_strides(const std::vector<int64_t>& out_dims, const std::vector<int64_t>& in_dims,
                              int64_t* strides_out) {
  const int rank = static_cast<int>(out_dims.size());
  if (rank > kMaxRank) return false;
  const int offset = rank - static_cast<int>(in_dims.size());
  int64_t stride = 1;
  for (int d = rank - 1; d >= 0; --d) {
    const int id = d - offset;
    if (id < 0 || in_dims[id] == 1) {
      strides_out[d] = 0;
    } else {
      strides_out[d] = stride;
    }
    if (id >= 0) stride *= in_dims[id];
  }
  return true;
}

inline bool make_broadcast_indexer(const std::vector<int64_t>& out_dims, const std::vector<int64_t>& in_dims,
                                   StridedIndexer* ix) {
  if (!broadcast_strides(out_dims, in_dims, ix->in_strides)) return false;
  ix->rank = static_cast<int>(out_dims.size());
  for (int d = 0; d < ix->rank; ++d) ix->out_dims[d] = out_dims[d];
  return true;
}

}  // namespace fovea::cuda::kernels
