#include <cstring>

#include "backends/cpu/kernels.h"

namespace fovea::cpu {

Status run_concat(CpuKernelContext& ctx) {
  Tensor& out = ctx.output(0);
  const int64_t rank = static_cast<int64_t>(out.rank());
  FOVEA_ASSIGN_OR_RETURN(int64_t axis_attr, ctx.node().attr_int("axis", 0));
  const int64_t axis = axis_attr < 0 ? axis_attr + rank : axis_attr;
  const size_t esize = dtype_size(out.dtype());
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= out.dim(d);
  int64_t inner = 1;
  for (int64_t d = axis + 1; d < rank; ++d) inner *= out.dim(d);
  const size_t out_row = static_cast<size_t>(out.dim(axis) * inner) * esize;
  auto* dst = static_cast<std::byte*>(out.raw_data());
  size_t col = 0;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    const Tensor& in = ctx.input(i);
    const size_t row = static_cast<size_t>(in.dim(axis) * inner) * esize;
    const auto* src = static_cast<const std::byte*>(in.raw_data());
    if (row > 0)
      for (int64_t o = 0; o < outer; ++o) std::memcpy(dst + o * out_row + col, src + o * row, row);
    col += row;
  }
  return Status::ok();
}

}  // namespace fovea::cpu
