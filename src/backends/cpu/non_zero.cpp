#include "backends/cpu/kernels.h"
#include "ops/non_zero.h"

namespace fovea::cpu {

Status run_non_zero(CpuKernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  FOVEA_ASSIGN_OR_RETURN(std::vector<int64_t> idx, nonzero_flat_indices(in));
  const int64_t n = static_cast<int64_t>(idx.size());
  if (out.dim(1) != n) return internal_error("{}: non-zero count changed", ctx.node().describe());
  int64_t* dst = out.data<int64_t>();
  if (in.rank() == 0) return Status::ok();  // one row of zeros
  // Row-major coordinates of each flat index, one row per input dim.
  for (int64_t k = 0; k < n; ++k) {
    int64_t flat = idx[k];
    for (size_t d = in.rank(); d-- > 0;) {
      dst[static_cast<int64_t>(d) * n + k] = flat % in.dim(d);
      flat /= in.dim(d);
    }
  }
  return Status::ok();
}

}  // namespace fovea::cpu
