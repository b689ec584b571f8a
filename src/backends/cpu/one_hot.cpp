// OneHot: fill with the off value, then write the on value at each valid index.
#include <cmath>

#include "backends/cpu/kernels.h"
#include "backends/cpu/strided_copy.h"

namespace fovea::cpu {

Status run_one_hot(CpuKernelContext& ctx) {
  const Tensor& indices = ctx.input(0);
  const Tensor& values = ctx.input(2);
  Tensor& out = ctx.output(0);
  FOVEA_ASSIGN_OR_RETURN(int64_t axis, ctx.node().attr_int("axis", -1));
  const int64_t out_rank = static_cast<int64_t>(out.rank());
  if (axis < 0) axis += out_rank;
  const int64_t depth = out.dim(static_cast<size_t>(axis));
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < out_rank; ++d) {
    if (d < axis) outer *= out.dim(d);
    else if (d > axis) inner *= out.dim(d);
  }
  const bool float_indices = dtype_is_float(indices.dtype());
  return with_element_word(dtype_size(values.dtype()), [&](auto word) {
    using W = decltype(word);
    const W off = static_cast<const W*>(values.raw_data())[0];
    const W on = static_cast<const W*>(values.raw_data())[1];
    W* dst = static_cast<W*>(out.raw_data());
    const int64_t total = out.numel();
    for (int64_t i = 0; i < total; ++i) dst[i] = off;
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t j = 0; j < inner; ++j) {
        const int64_t at = o * inner + j;
        // Float indices truncate toward zero (as ONNX's reference casts them to int64).
        const double dv = float_indices ? indices.double_at(at) : 0.0;
        if (float_indices && !(std::fabs(dv) < 9.0e18)) continue;
        int64_t v = float_indices ? static_cast<int64_t>(dv) : indices.int_at(at);
        if (v < -depth || v >= depth) continue;
        if (v < 0) v += depth;
        dst[(o * depth + v) * inner + j] = on;
      }
  });
}

}  // namespace fovea::cpu
