// ScatterElements and Scatter: copy data, then visit every index position in row-major order
// (so later duplicates win for reduction "none") and write or combine the update.
#include <cstring>

#include "backends/cpu/kernels.h"
#include "backends/cpu/scatter_reduction.h"
#include "backends/cpu/strided_copy.h"

namespace fovea::cpu {

Status run_scatter_elements(CpuKernelContext& ctx) {
  const Tensor& data = ctx.input(0);
  const Tensor& indices = ctx.input(1);
  const Tensor& updates = ctx.input(2);
  Tensor& out = ctx.output(0);
  FOVEA_ASSIGN_OR_RETURN(const std::string name, ctx.node().attr_string("reduction", "none"));
  const Reduction red = parse_reduction(name);
  FOVEA_ASSIGN_OR_RETURN(int64_t axis, ctx.node().attr_int("axis", 0));
  const int64_t rank = static_cast<int64_t>(data.rank());
  if (axis < 0) axis += rank;
  if (data.nbytes()) std::memcpy(out.raw_data(), data.raw_data(), data.nbytes());
  const int64_t dim = data.dim(axis);
  const int64_t n = indices.numel();
  const std::vector<int64_t> strides = contiguous_strides(data.dims());
  std::vector<int64_t> offsets(static_cast<size_t>(n));
  std::vector<int64_t> idx(static_cast<size_t>(rank), 0);
  for (int64_t k = 0; k < n; ++k) {
    int64_t v = indices.int_at(k);
    if (v < -dim || v >= dim) return ctx.error("index {} is out of range for an axis of size {}", v, dim);
    if (v < 0) v += dim;
    int64_t off = 0;
    for (int64_t d = 0; d < rank; ++d) off += (d == axis ? v : idx[d]) * strides[d];
    offsets[k] = off;
    for (int64_t d = rank; d-- > 0;) {
      if (++idx[d] < indices.dim(d)) break;
      idx[d] = 0;
    }
  }
  if (red == Reduction::kNone)
    return with_element_word(dtype_size(data.dtype()), [&](auto word) {
      using W = decltype(word);
      W* dst = static_cast<W*>(out.raw_data());
      const W* src = static_cast<const W*>(updates.raw_data());
      for (int64_t k = 0; k < n; ++k) dst[offsets[k]] = src[k];
    });
  // bfloat16 is refused by the shape function (it would dispatch as uint16 here).
  FOVEA_SWITCH_ALL(data.dtype(), T, {
    T* dst = out.data<T>();
    const T* src = updates.data<T>();
    for (int64_t k = 0; k < n; ++k) dst[offsets[k]] = combine(dst[offsets[k]], src[k], red);
    return Status::ok();
  });
  return ctx.unsupported_dtype(0);
}

Status run_scatter(CpuKernelContext& ctx) { return run_scatter_elements(ctx); }

}  // namespace fovea::cpu
