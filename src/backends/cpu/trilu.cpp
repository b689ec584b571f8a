// Trilu: element (i, j) of each matrix is kept when j - i >= k (upper) or j - i <= k (lower).
#include <cstring>

#include "backends/cpu/kernels.h"
#include "backends/cpu/strided_copy.h"

namespace fovea::cpu {

Status run_trilu(CpuKernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  FOVEA_ASSIGN_OR_RETURN(const int64_t upper, ctx.node().attr_int("upper", 1));
  const int64_t k = ctx.has_input(1) ? ctx.input(1).int_at(0) : 0;
  const size_t rank = x.rank();
  const int64_t rows = x.dim(rank - 2), cols = x.dim(rank - 1);
  const int64_t matrices = rows * cols == 0 ? 0 : x.numel() / (rows * cols);
  return with_element_word(dtype_size(x.dtype()), [&](auto word) {
    using W = decltype(word);
    const W* src = static_cast<const W*>(x.raw_data());
    W* dst = static_cast<W*>(ctx.output(0).raw_data());
    for (int64_t m = 0; m < matrices; ++m)
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < cols; ++j) {
          const bool keep = upper ? j - i >= k : j - i <= k;
          const int64_t at = (m * rows + i) * cols + j;
          if (keep) dst[at] = src[at];
        }
  });
}

}  // namespace fovea::cpu
