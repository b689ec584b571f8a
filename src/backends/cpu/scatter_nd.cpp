#include <algorithm>
#include <cstring>

#include "backends/cpu/kernels.h"
#include "backends/cpu/scatter_reduction.h"

namespace fovea::cpu {

Status run_scatter_nd(CpuKernelContext& ctx) {
  const Tensor& data = ctx.input(0);
  const Tensor& indices = ctx.input(1);
  const Tensor& updates = ctx.input(2);
  Tensor& out = ctx.output(0);
  FOVEA_ASSIGN_OR_RETURN(std::string name, ctx.node().attr_string("reduction", "none"));
  const Reduction red = parse_reduction(name);
  if (data.nbytes()) std::memcpy(out.raw_data(), data.raw_data(), data.nbytes());
  const int64_t k = indices.dim(indices.rank() - 1);
  int64_t inner = 1;
  for (size_t d = static_cast<size_t>(k); d < data.rank(); ++d) inner *= data.dim(d);
  const int64_t tuples = k == 0 ? 0 : indices.numel() / k;
  std::vector<int64_t> offsets(static_cast<size_t>(tuples));
  for (int64_t i = 0; i < tuples; ++i) {
    int64_t off = 0;
    for (int64_t j = 0; j < k; ++j) {
      const int64_t dim = data.dim(j);
      int64_t v = indices.int_at(i * k + j);
      if (v < -dim || v >= dim) return ctx.error("index {} is out of range for axis {} of size {}", v, j, dim);
      if (v < 0) v += dim;
      off = off * dim + v;
    }
    offsets[i] = off * inner;
  }
  const size_t esize = dtype_size(data.dtype());
  if (red == Reduction::kNone) {
    auto* dst = static_cast<std::byte*>(out.raw_data());
    const auto* src = static_cast<const std::byte*>(updates.raw_data());
    for (int64_t i = 0; i < tuples; ++i)
      if (inner) std::memcpy(dst + offsets[i] * esize, src + i * inner * esize, static_cast<size_t>(inner) * esize);
    return Status::ok();
  }
  // bfloat16 is refused by the shape function (it would dispatch as uint16 here).
  FOVEA_SWITCH_ALL(data.dtype(), T, {
    T* dst = out.data<T>();
    const T* src = updates.data<T>();
    for (int64_t i = 0; i < tuples; ++i)
      for (int64_t e = 0; e < inner; ++e) dst[offsets[i] + e] = combine(dst[offsets[i] + e], src[i * inner + e], red);
    return Status::ok();
  });
  return ctx.unsupported_dtype(0);
}

}  // namespace fovea::cpu
