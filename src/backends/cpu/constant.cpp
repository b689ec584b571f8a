#include <cstring>

#include "backends/cpu/kernels.h"
#include "ops/constant.h"

namespace fovea::cpu {

Status run_constant(CpuKernelContext& ctx) {
  FOVEA_ASSIGN_OR_RETURN(Tensor value, constant_attribute_value(ctx.node()));
  ctx.output(0) = value;
  return Status::ok();
}

Status run_constant_of_shape(CpuKernelContext& ctx) {
  FOVEA_ASSIGN_OR_RETURN(Tensor fill, constant_of_shape_fill(ctx.node()));
  Tensor& out = ctx.output(0);
  const size_t esize = dtype_size(out.dtype());
  auto* dst = static_cast<std::byte*>(out.raw_data());
  for (int64_t i = 0; i < out.numel(); ++i) std::memcpy(dst + i * esize, fill.raw_data(), esize);
  return Status::ok();
}

}  // namespace fovea::cpu
