#include "backends/cuda/elementwise_adapter.h"

#include "backends/cuda/cuda_check.h"
#include "backends/cuda/gpu_dtype.h"

namespace fovea::cuda::elementwise_ops {

Result<kernels::ElementwiseOperand> broadcast_operand(GpuKernelContext& ctx, size_t i) {
  if (!ctx.has_input(i)) return ctx.error("input {} is missing", i);
  if (!ctx.has_output(0)) return ctx.error("output 0 is missing");
  const DeviceTensor& in = ctx.input(i);
  const std::optional<kernels::ScalarKind> kind = to_scalar_kind(in.dtype);
  if (!kind) return ctx.unsupported_dtype(i);
  const Dims& out = ctx.output(0).dims;
  bool fits = in.dims.size() <= out.size();
  for (size_t d = 0; fits && d < in.dims.size(); ++d) {
    const int64_t id = in.dims[in.dims.size() - 1 - d], od = out[out.size() - 1 - d];
    fits = id == od || id == 1;
  }
  if (!fits)
    return ctx.error("input {} with dims {} does not broadcast to the output's dims {}", i, dims_to_string(in.dims),
                     dims_to_string(out));
  return kernels::ElementwiseOperand{*kind, in.data, in.dims};
}

Result<DeviceTensor*> checked_output(GpuKernelContext& ctx, DType dtype, int64_t numel) {
  if (!ctx.has_output(0)) return ctx.error("output 0 is missing");
  DeviceTensor& out = ctx.output(0);
  if (out.dtype != dtype || out.numel() != numel)
    return ctx.error("output 0 is {} with {} elements, expected {} with {}", dtype_name(out.dtype), out.numel(),
                     dtype_name(dtype), numel);
  return &out;
}

Status launch_status(const GpuKernelContext& ctx, cudaError_t e, size_t dtype_input) {
  switch (e) {
    case cudaSuccess: return Status::ok();
    case cudaErrorNotSupported: return ctx.unsupported_dtype(dtype_input);
    case cudaErrorInvalidValue:
      return ctx.unsupported_here("the broadcast needs more than {} dims, the most the CUDA kernels index",
                                  kernels::kMaxRank);
    default: return cuda_status(e, ctx.node().describe().c_str());
  }
}

}  // namespace fovea::cuda::elementwise_ops
