// Cast and CastLike on the GPU: the output dtype was set by the shape function (from `to`, or
// from CastLike's second input), so both convert input 0 into output 0 with launch_cast.
#include "backends/cuda/elementwise_adapter.h"
#include "backends/cuda/elementwise_kernels.h"
#include "backends/cuda/gpu_dtype.h"
#include "backends/cuda/kernels/cast_convert.h"

namespace fovea::cuda::elementwise_ops {

Status run_cast(GpuKernelContext& ctx) {
  if (!ctx.has_input(0)) return ctx.error("input 0 is missing");
  if (!ctx.has_output(0)) return ctx.error("output 0 is missing");
  const DeviceTensor& x = ctx.input(0);
  DeviceTensor& y = ctx.output(0);
  const std::optional<kernels::ScalarKind> from = to_scalar_kind(x.dtype);
  if (!from) return ctx.unsupported_dtype(0);
  const std::optional<kernels::ScalarKind> to = to_scalar_kind(y.dtype);
  if (!to) return ctx.unsupported_here("cannot cast to {} on the GPU", dtype_name(y.dtype));
  if (y.numel() != x.numel())
    return ctx.error("output 0 has {} elements, input 0 has {}", y.numel(), x.numel());
  return launch_status(ctx, kernels::launch_cast(*from, x.data, *to, y.data, x.numel(), ctx.stream()), 0);
}

Status run_cast_like(GpuKernelContext& ctx) { return run_cast(ctx); }

}  // namespace fovea::cuda::elementwise_ops
