// Compress: copy each selected slice (inner block) for every outer index.
#include <cstring>

#include "backends/cpu/kernels.h"

namespace fovea::cpu {

Status run_compress(CpuKernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const Tensor& cond = ctx.input(1);
  Tensor& out = ctx.output(0);
  const bool has_axis = ctx.node().has_attribute("axis");
  FOVEA_ASSIGN_OR_RETURN(int64_t axis, ctx.node().attr_int("axis", 0));
  const int64_t rank = static_cast<int64_t>(x.rank());
  int64_t outer = 1, len = x.numel(), inner = 1;
  if (has_axis) {
    if (axis < 0) axis += rank;
    len = x.dim(axis);
    for (int64_t d = 0; d < rank; ++d) {
      if (d < axis) outer *= x.dim(d);
      else if (d > axis) inner *= x.dim(d);
    }
  }
  std::vector<int64_t> picked;
  for (int64_t i = 0; i < cond.numel() && i < len; ++i)
    if (cond.data<bool>()[i]) picked.push_back(i);
  const size_t block = static_cast<size_t>(inner) * dtype_size(x.dtype());
  if (block == 0) return Status::ok();
  const auto* src = static_cast<const std::byte*>(x.raw_data());
  auto* dst = static_cast<std::byte*>(out.raw_data());
  const int64_t kept = static_cast<int64_t>(picked.size());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t k = 0; k < kept; ++k)
      std::memcpy(dst + (o * kept + k) * block, src + (o * len + picked[k]) * block, block);
  return Status::ok();
}

}  // namespace fovea::cpu
