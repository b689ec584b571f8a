// Softmax, LogSoftmax and Hardmax on the GPU. The [outer, n, inner] split follows the CPU
// reference (backends/cpu/softmax_axis.h): one axis from opset 13 (default -1), before 13 the
// input coerced to 2-D at `axis` (default 1), so n spans every dim from axis on.
#include <algorithm>

#include "backends/cuda/gpu_dtype.h"
#include "backends/cuda/kernels/softmax.h"
#include "backends/cuda/reduction_nn_ops.h"

namespace fovea::cuda {
namespace {

Status run_softmax_family(GpuKernelContext& ctx, kernels::SoftmaxMode mode) {
  const DeviceTensor& x = ctx.input(0);
  const auto kind = to_scalar_kind(x.dtype);
  if (!kind || !kernels::softmax_supports(*kind)) return ctx.unsupported_dtype(0);
  const int64_t rank = static_cast<int64_t>(x.dims.size());
  FOVEA_ASSIGN_OR_RETURN(int64_t axis, ctx.node().attr_int("axis", ctx.opset() >= 13 ? -1 : 1));
  if (axis < 0) axis += rank;
  axis = std::clamp<int64_t>(axis, 0, rank);
  kernels::SoftmaxParams p;
  p.mode = mode;
  p.kind = *kind;
  for (int64_t d = 0; d < rank; ++d) {
    if (d < axis) p.outer *= x.dims[d];
    else if (d == axis || ctx.opset() < 13) p.n *= x.dims[d];
    else p.inner *= x.dims[d];
  }
  return launch_status(ctx, kernels::launch_softmax(p, x.data, ctx.output(0).data, ctx.stream()));
}

}  // namespace

Status run_gpu_softmax(GpuKernelContext& ctx) { return run_softmax_family(ctx, kernels::SoftmaxMode::kSoftmax); }
Status run_gpu_log_softmax(GpuKernelContext& ctx) { return run_softmax_family(ctx, kernels::SoftmaxMode::kLogSoftmax); }
Status run_gpu_hardmax(GpuKernelContext& ctx) { return run_softmax_family(ctx, kernels::SoftmaxMode::kHardmax); }

}  // namespace fovea::cuda
