#include <cstring>

#include "backends/cpu/kernels.h"
#include "ops/split.h"

namespace fovea::cpu {

Status run_split(CpuKernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  const int64_t rank = static_cast<int64_t>(in.rank());
  FOVEA_ASSIGN_OR_RETURN(int64_t axis_attr, ctx.node().attr_int("axis", 0));
  const int64_t axis = axis_attr < 0 ? axis_attr + rank : axis_attr;
  const bool split_present = ctx.opset() >= 13 && ctx.has_input(1);
  std::optional<std::vector<int64_t>> split_values;
  if (split_present) split_values = ctx.input(1).to_int64_vector();
  FOVEA_ASSIGN_OR_RETURN(auto sizes, split_sizes(ctx.node(), ctx.opset(), split_present, split_values, in.dim(axis)));
  const size_t esize = dtype_size(in.dtype());
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= in.dim(d);
  int64_t inner = 1;
  for (int64_t d = axis + 1; d < rank; ++d) inner *= in.dim(d);
  const size_t in_row = static_cast<size_t>(in.dim(axis) * inner) * esize;
  const auto* src = static_cast<const std::byte*>(in.raw_data());
  size_t col = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    const size_t row = static_cast<size_t>(sizes[i] * inner) * esize;
    if (ctx.has_output(i) && row > 0) {
      auto* dst = static_cast<std::byte*>(ctx.output(i).raw_data());
      for (int64_t o = 0; o < outer; ++o) std::memcpy(dst + o * row, src + o * in_row + col, row);
    }
    col += row;
  }
  return Status::ok();
}

}  // namespace fovea::cpu
