// Reshape, Flatten, Squeeze, Unsqueeze: the output is a view of the input with the inferred dims.
#include "backends/cpu/kernels.h"

namespace fovea::cpu {
namespace {

Status view_as_output(CpuKernelContext& ctx) {
  auto view = ctx.input(0).reshaped(ctx.output(0).dims());
  if (!view.is_ok()) return view.status().with_context(ctx.node().describe());
  ctx.output(0) = std::move(view).value();
  return Status::ok();
}

}  // namespace

Status run_reshape(CpuKernelContext& ctx) { return view_as_output(ctx); }
Status run_flatten(CpuKernelContext& ctx) { return view_as_output(ctx); }
Status run_squeeze(CpuKernelContext& ctx) { return view_as_output(ctx); }
Status run_unsqueeze(CpuKernelContext& ctx) { return view_as_output(ctx); }

}  // namespace fovea::cpu
