#include "backends/cpu/kernels.h"
#include "backends/cpu/strided_copy.h"

namespace fovea::cpu {

Status run_transpose(CpuKernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  FOVEA_ASSIGN_OR_RETURN(std::vector<int64_t> perm, ctx.node().attr_ints("perm"));
  if (!ctx.node().has_attribute("perm"))
    for (size_t i = 0; i < in.rank(); ++i) perm.push_back(static_cast<int64_t>(in.rank() - 1 - i));
  return transpose_copy(in.raw_data(), in.dims(), perm, dtype_size(in.dtype()), ctx.output(0).raw_data());
}

}  // namespace fovea::cpu
