// MaxUnpool: Y (zero-filled) at the position of flat index I[i] (in the default output dims)
// gets X[i]; with a larger output_shape, the same coordinates in Y's dims.
#include "backends/cpu/kernels.h"
#include "backends/cpu/strided_copy.h"
#include "ops/max_unpool.h"

namespace fovea::cpu {

Status run_max_unpool(CpuKernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const Tensor& ind = ctx.input(1);
  Tensor& y = ctx.output(0);
  FOVEA_ASSIGN_OR_RETURN(const Dims def, max_unpool_default_dims(ctx.node(), x.dims()));
  const int64_t total = element_count(def);
  const size_t rank = def.size();
  std::vector<int64_t> pos(static_cast<size_t>(x.numel()));
  for (int64_t i = 0; i < x.numel(); ++i) {
    int64_t flat = ind.int_at(i);
    if (flat < 0 || flat >= total) return ctx.error("index {} is outside the unpooled tensor of {} elements", flat, total);
    if (def == y.dims()) {
      pos[i] = flat;
      continue;
    }
    // Re-address the coordinates of `flat` (in def) in y's dims.
    int64_t at = 0, scale = 1;
    for (size_t d = rank; d-- > 0;) {
      const int64_t c = flat % def[d];
      flat /= def[d];
      if (c >= y.dim(d)) return ctx.error("index {} falls outside output_shape", ind.int_at(i));
      at += c * scale;
      scale *= y.dim(d);
    }
    pos[i] = at;
  }
  return with_element_word(dtype_size(x.dtype()), [&](auto word) {
    using W = decltype(word);
    const W* src = static_cast<const W*>(x.raw_data());
    W* dst = static_cast<W*>(y.raw_data());
    for (int64_t i = 0; i < x.numel(); ++i) dst[pos[i]] = src[i];
  });
}

}  // namespace fovea::cpu
