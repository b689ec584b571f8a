// GatherND: for each batch and each index tuple, copy one contiguous slice of data.
#include <cstring>

#include "backends/cpu/kernels.h"

namespace fovea::cpu {

Status run_gather_nd(CpuKernelContext& ctx) {
  const Tensor& data = ctx.input(0);
  const Tensor& indices = ctx.input(1);
  Tensor& out = ctx.output(0);
  FOVEA_ASSIGN_OR_RETURN(const int64_t b, ctx.node().attr_int("batch_dims", 0));
  const int64_t r = static_cast<int64_t>(data.rank()), q = static_cast<int64_t>(indices.rank());
  const int64_t m = indices.dim(q - 1);
  int64_t batches = 1;
  for (int64_t d = 0; d < b; ++d) batches *= data.dim(d);
  int64_t slice = 1;  // elements per gathered slice
  for (int64_t d = b + m; d < r; ++d) slice *= data.dim(d);
  int64_t batch_data = slice;  // elements of data per batch
  for (int64_t d = b; d < b + m; ++d) batch_data *= data.dim(d);
  const int64_t tuples = batches == 0 || m == 0 ? 0 : indices.numel() / m / batches;  // per batch
  const size_t esize = dtype_size(data.dtype());
  const auto* src = static_cast<const std::byte*>(data.raw_data());
  auto* dst = static_cast<std::byte*>(out.raw_data());
  for (int64_t bi = 0; bi < batches; ++bi)
    for (int64_t t = 0; t < tuples; ++t) {
      const int64_t base = (bi * tuples + t) * m;
      int64_t off = 0;
      for (int64_t j = 0; j < m; ++j) {
        const int64_t dim = data.dim(b + j);
        int64_t v = indices.int_at(base + j);
        if (v < -dim || v >= dim) return ctx.error("index {} is out of range for axis {} of size {}", v, b + j, dim);
        if (v < 0) v += dim;
        off = off * dim + v;
      }
      if (slice)
        std::memcpy(dst + (bi * tuples + t) * slice * esize, src + (bi * batch_data + off * slice) * esize,
                    static_cast<size_t>(slice) * esize);
    }
  return Status::ok();
}

}  // namespace fovea::cpu
