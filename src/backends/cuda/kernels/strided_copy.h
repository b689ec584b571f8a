// Launchers that move elements without looking at them: a generic strided gather (Transpose,
// Slice, Expand, Tile, DepthToSpace, ...), a tiled batched 2-D transpose, and a plain device
// copy. Elements are moved as unsigned words of their size, whatever the dtype. Framework-free.
//
// The host-side planning (coalescing dims, widening to larger words, spotting a batched 2-D
// transpose) is inline here so it can be unit-tested without a GPU.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <vector>

#include "backends/cuda/kernels/scalar_kind.h"

namespace fovea::cuda::kernels {

// out[i] = in[in_offset + sum_d index_d(i) * in_strides[d]] for every index of out_dims (out is
// contiguous). Strides are in elements and may be 0 (broadcast) or negative (reversed slice).
struct StridedCopyParams {
  int rank = 0;
  int64_t out_dims[kMaxRank] = {};
  int64_t in_strides[kMaxRank] = {};
  int64_t in_offset = 0;
  int64_t element_size = 0;  // 1, 2, 4, 8 or 16 bytes

  int64_t count() const {
    int64_t n = 1;
    for (int d = 0; d < rank; ++d) n *= out_dims[d];
    return n;
  }
};

// Fills `p` from vectors; false when the rank exceeds kMaxRank (after coalescing it may fit, so
// callers coalesce first with coalesce_strided_dims).
inline bool make_strided_copy(const std::vector<int64_t>& out_dims, const std::vector<int64_t>& in_strides,
                              int64_t in_offset, int64_t element_size, StridedCopyParams* p);

// Drops size-1 dims and merges neighbours that are contiguous with each other in the input
// (stride[d] == stride[d+1] * dim[d+1]). Same copy, fewer dims.
inline void coalesce_strided_dims(std::vector<int64_t>& dims, std::vector<int64_t>& strides) {
  std::vector<int64_t> nd, ns;
  for (size_t d = 0; d < dims.size(); ++d) {
    if (dims[d] == 1) continue;
    if (!nd.empty() && ns.back() == strides[d] * dims[d]) {
      nd.back() *= dims[d];
      ns.back() = strides[d];
    } else {
      nd.push_back(dims[d]);
      ns.push_back(strides[d]);
    }
  }
  dims = std::move(nd);
  strides = std::move(ns);
}

inline bool make_strided_copy(const std::vector<int64_t>& out_dims, const std::vector<int64_t>& in_strides,
                              int64_t in_offset, int64_t element_size, StridedCopyParams* p) {
  std::vector<int64_t> dims = out_dims, strides = in_strides;
  coalesce_strided_dims(dims, strides);
  if (static_cast<int>(dims.size()) > kMaxRank) return false;
  p->rank = static_cast<int>(dims.size());
  for (int d = 0; d < p->rank; ++d) {
    p->out_dims[d] = dims[static_cast<size_t>(d)];
    p->in_strides[d] = strides[static_cast<size_t>(d)];
  }
  p->in_offset = in_offset;
  p->element_size = element_size;
  return true;
}

// Reinterprets the copy with the widest word (up to 16 bytes) that every offset, stride, the
// innermost run and both pointers allow, when the innermost dim is contiguous. Pure host logic.
inline void widen_strided_copy(StridedCopyParams* p, uintptr_t in_address, uintptr_t out_address) {
  if (p->rank == 0 || p->in_strides[p->rank - 1] != 1) return;
  const int64_t e = p->element_size;
  for (int64_t w = 16; w > e; w /= 2) {
    bool ok = (p->out_dims[p->rank - 1] * e) % w == 0 && (p->in_offset * e) % w == 0 &&
              in_address % static_cast<uintptr_t>(w) == 0 && out_address % static_cast<uintptr_t>(w) == 0;
    for (int d = 0; ok && d + 1 < p->rank; ++d) ok = (p->in_strides[d] * e) % w == 0;
    if (!ok) continue;
    p->out_dims[p->rank - 1] = p->out_dims[p->rank - 1] * e / w;
    for (int d = 0; d + 1 < p->rank; ++d) p->in_strides[d] = p->in_strides[d] * e / w;
    p->in_offset = p->in_offset * e / w;
    p->element_size = w;
    return;
  }
}

// in: [batch, rows, cols] contiguous -> out: [batch, cols, rows] contiguous.
struct BatchedTransposeParams {
  int64_t batch = 1, rows = 0, cols = 0;
  int64_t element_size = 0;  // 1, 2, 4 or 8
};

// A transpose as a plan: a batched 2-D transpose when the permutation, once adjacent input axes
// that stay together are merged, swaps the last two axes; else a strided copy.
struct TransposePlan {
  bool batched_2d = false;
  BatchedTransposeParams transpose;
  std::vector<int64_t> copy_dims, copy_strides;  // the strided-copy form (always filled)
};

// output dim i is input dim perm[i]. `perm` must be a permutation of [0, in_dims.size()).
inline TransposePlan plan_transpose(const std::vector<int64_t>& in_dims, const std::vector<int64_t>& perm) {
  TransposePlan plan;
  const size_t rank = in_dims.size();
  std::vector<int64_t> in_strides(rank, 1);
  for (size_t d = rank; d-- > 1;) in_strides[d - 1] = in_strides[d] * in_dims[d];
  for (size_t i = 0; i < rank; ++i) {
    plan.copy_dims.push_back(in_dims[static_cast<size_t>(perm[i])]);
    plan.copy_strides.push_back(in_strides[static_cast<size_t>(perm[i])]);
  }
  std::vector<int64_t> dims = plan.copy_dims, strides = plan.copy_strides;
  coalesce_strided_dims(dims, strides);
  // After coalescing, [batch?, cols, rows] reading strides [rows*cols, 1, cols] is a batched
  // 2-D transpose of an input [batch, rows, cols].
  const size_t r = dims.size();
  if (r == 2 && strides[0] == 1 && strides[1] == dims[0]) {
    plan.batched_2d = true;
    plan.transpose.batch = 1;
    plan.transpose.rows = dims[1];
    plan.transpose.cols = dims[0];
  } else if (r == 3 && strides[1] == 1 && strides[2] == dims[1] && strides[0] == dims[1] * dims[2]) {
    plan.batched_2d = true;
    plan.transpose.batch = dims[0];
    plan.transpose.rows = dims[2];
    plan.transpose.cols = dims[1];
  }
  return plan;
}

// Launchers: enqueue on `stream`, return the launch error (cudaSuccess when nothing to do).
cudaError_t launch_strided_copy(const StridedCopyParams& p, const void* in, void* out, cudaStream_t stream);
// Falls back to a strided copy when the grid would exceed CUDA's limits.
cudaError_t launch_batched_transpose(const BatchedTransposeParams& p, const void* in, void* out, cudaStream_t stream);
// A contiguous device-to-device copy of `bytes` (nothing when in == out or bytes == 0).
cudaError_t launch_device_copy(const void* in, void* out, size_t bytes, cudaStream_t stream);

}  // namespace fovea::cuda::kernels
