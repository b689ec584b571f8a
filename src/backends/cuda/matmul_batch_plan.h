// How an ONNX MatMul (numpy batching with broadcast batch dims, 1-D operands) maps onto strided
// batched GEMM calls: as few calls as possible, each over matrices at a constant stride (0 for a
// broadcast operand). CUDA-free: host-tested.
#pragma once

#include <cstdint>
#include <vector>

#include "core/shape.h"
#include "core/status.h"

namespace fovea::cuda {

struct MatMulBatchPlan {
  int64_t m = 0, n = 0, k = 0;   // per matrix; a shared B folds A's batches into m
  int64_t batch = 1;             // matrices per call
  int64_t a_stride = 0;          // elements between A's matrices within a call (0: broadcast)
  int64_t b_stride = 0;
  // One entry per call: element offsets of the call's first A and B matrices. The call's output
  // starts at call_index * batch * m * n.
  std::vector<int64_t> a_offsets, b_offsets;
  Dims batch_dims;               // the broadcast batch dims of the output
};

// Errors (rank 0 operands, mismatched inner dims, batch dims that do not broadcast) say what is
// wrong; the caller prefixes the node.
Result<MatMulBatchPlan> plan_mat_mul(const Dims& a, const Dims& b);

}  // namespace fovea::cuda
