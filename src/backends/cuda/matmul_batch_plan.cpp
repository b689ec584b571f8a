#include "backends/cuda/matmul_batch_plan.h"

#include <algorithm>

namespace fovea::cuda {

Result<MatMulBatchPlan> plan_mat_mul(const Dims& a_in, const Dims& b_in) {
  if (a_in.empty() || b_in.empty()) return invalid_argument("MatMul operands must have rank >= 1");
  Dims a = a_in, b = b_in;
  if (a.size() == 1) a.insert(a.begin(), 1);
  if (b.size() == 1) b.push_back(1);
  MatMulBatchPlan p;
  p.m = a[a.size() - 2];
  p.k = a.back();
  p.n = b.back();
  if (b[b.size() - 2] != p.k)
    return invalid_argument("inner dims differ: A {} vs B {}", dims_to_string(a_in), dims_to_string(b_in));
  const size_t rank = std::max(a.size(), b.size()) - 2;
  // Batch dims right-aligned, 1 where an operand has fewer.
  Dims da(rank, 1), db(rank, 1), out(rank, 1);
  for (size_t i = 0; i < a.size() - 2; ++i) da[rank - (a.size() - 2) + i] = a[i];
  for (size_t i = 0; i < b.size() - 2; ++i) db[rank - (b.size() - 2) + i] = b[i];
  for (size_t i = 0; i < rank; ++i) {
    if (da[i] != db[i] && da[i] != 1 && db[i] != 1)
      return invalid_argument("batch dims of A {} and B {} do not broadcast", dims_to_string(a_in),
                              dims_to_string(b_in));
    out[i] = da[i] == 1 ? db[i] : da[i];
  }
  p.batch_dims = out;
  const int64_t batches = element_count(out);
  const bool a_full = da == out, b_shared = element_count(db) == 1;
  if (a_full && b_shared) {  // one GEMM with A's matrices stacked along m
    p.m *= batches;
    p.a_offsets = {0};
    p.b_offsets = {0};
    return p;
  }
  // The longest suffix of batch dims over which each operand is either entirely present
  // (consecutive matrices) or entirely broadcast (stride 0) runs as one strided call.
  auto uniform = [&](const Dims& d, size_t from, bool* full) {
    bool all_full = true, all_broadcast = true;
    for (size_t i = from; i < rank; ++i) {
      all_full = all_full && d[i] == out[i];
      all_broadcast = all_broadcast && d[i] == 1;
    }
    *full = all_full;
    return all_full || all_broadcast;
  };
  size_t split = rank;
  bool a_suffix_full = false, b_suffix_full = false;
  for (size_t s = 0; s <= rank; ++s) {
    bool af = false, bf = false;
    if (uniform(da, s, &af) && uniform(db, s, &bf)) {
      split = s;
      a_suffix_full = af;
      b_suffix_full = bf;
      break;
    }
  }
  p.batch = 1;
  for (size_t i = split; i < rank; ++i) p.batch *= out[i];
  p.a_stride = a_suffix_full ? p.m * p.k : 0;
  p.b_stride = b_suffix_full ? p.k * p.n : 0;
  // Matrix strides of each operand per batch dim (0 where it broadcasts), for the outer calls.
  Dims sa(rank, 0), sb(rank, 0);
  int64_t ra = 1, rb = 1;
  for (size_t i = rank; i-- > 0;) {
    sa[i] = da[i] == 1 ? 0 : ra;
    sb[i] = db[i] == 1 ? 0 : rb;
    ra *= da[i];
    rb *= db[i];
  }
  const int64_t calls = batches == 0 ? 0 : batches / p.batch;
  Dims idx(split, 0);
  for (int64_t c = 0; c < calls; ++c) {
    int64_t ao = 0, bo = 0;
    for (size_t i = 0; i < split; ++i) ao += idx[i] * sa[i], bo += idx[i] * sb[i];
    p.a_offsets.push_back(ao * p.m * p.k);
    p.b_offsets.push_back(bo * p.k * p.n);
    for (size_t i = split; i-- > 0;) {
      if (++idx[i] < out[i]) break;
      idx[i] = 0;
    }
  }
  return p;
}

}  // namespace fovea::cuda
