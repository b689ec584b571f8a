// Where and Clip on the GPU: selection by a broadcast bool condition, and clamping between
// bounds that are attributes (before opset 11) or optional scalar inputs (from opset 11).
#include "backends/cuda/elementwise_adapter.h"
#include "backends/cuda/elementwise_kernels.h"
#include "backends/cuda/gpu_dtype.h"
#include "backends/cuda/kernels/clip_elementwise.h"
#include "backends/cuda/kernels/where_select.h"

namespace fovea::cuda::elementwise_ops {
namespace {

// One Clip bound given as a float attribute, stored in x's dtype (float kinds only, as the
// CPU reference); the field matching the dtype is used. The storage outlives the launch.
struct BoundValue {
  float f32;
  double f64;
  Half f16;
};

Status attribute_bound(GpuKernelContext& ctx, const char* name, DType dtype, BoundValue* storage,
                       const void** host_value) {
  if (!ctx.node().has_attribute(name)) return Status::ok();  // unbounded
  FOVEA_ASSIGN_OR_RETURN(const float v, ctx.node().attr_float(name, 0.0f));
  switch (dtype) {
    case DType::kFloat32: storage->f32 = v; break;
    case DType::kFloat64: storage->f64 = static_cast<double>(v); break;
    case DType::kFloat16: storage->f16 = float_to_half(v); break;
    default: return ctx.unsupported_dtype(0);
  }
  *host_value = storage;
  return Status::ok();
}

// Bound input i (1: min, 2: max), when present: a one-element tensor of x's dtype, read from
// its host copy when known before the run, else by the kernel from device memory.
Status input_bound(GpuKernelContext& ctx, size_t i, const void** host_value, const void** device_value) {
  if (!ctx.has_input(i)) return Status::ok();
  const DeviceTensor& bound = ctx.input(i);
  if (bound.numel() != 1 || bound.dtype != ctx.input(0).dtype)
    return ctx.error("input {} ({}) must be a scalar of the input's dtype", i, i == 1 ? "min" : "max");
  const Tensor* host = ctx.input_host_value(i);
  if (host && host->numel() == 1 && host->dtype() == bound.dtype) *host_value = host->raw_data();
  else *device_value = bound.data;
  return Status::ok();
}

}  // namespace

Status run_where(GpuKernelContext& ctx) {
  FOVEA_ASSIGN_OR_RETURN(const kernels::ElementwiseOperand cond, broadcast_operand(ctx, 0));
  FOVEA_ASSIGN_OR_RETURN(const kernels::ElementwiseOperand x, broadcast_operand(ctx, 1));
  FOVEA_ASSIGN_OR_RETURN(const kernels::ElementwiseOperand y, broadcast_operand(ctx, 2));
  if (ctx.input(0).dtype != DType::kBool) return ctx.unsupported_dtype(0);
  if (ctx.input(1).dtype != ctx.input(2).dtype)
    return ctx.error("X and Y have different dtypes ({} and {})", dtype_name(ctx.input(1).dtype),
                     dtype_name(ctx.input(2).dtype));
  const Dims out_dims = ctx.output(0).dims;
  FOVEA_ASSIGN_OR_RETURN(DeviceTensor* out, checked_output(ctx, ctx.input(1).dtype, element_count(out_dims)));
  return launch_status(ctx, kernels::launch_where(cond, x, y, out->data, out_dims, ctx.stream()), 1);
}

Status run_clip(GpuKernelContext& ctx) {
  if (!ctx.has_input(0)) return ctx.error("input 0 is missing");
  const DeviceTensor& x = ctx.input(0);
  const std::optional<kernels::ScalarKind> kind = to_scalar_kind(x.dtype);
  if (!kind) return ctx.unsupported_dtype(0);
  FOVEA_ASSIGN_OR_RETURN(DeviceTensor* y, checked_output(ctx, x.dtype, x.numel()));
  kernels::ClipParams params;
  BoundValue lo{}, hi{};
  if (ctx.opset() < 11) {
    FOVEA_RETURN_IF_ERROR(attribute_bound(ctx, "min", x.dtype, &lo, &params.lo_host));
    FOVEA_RETURN_IF_ERROR(attribute_bound(ctx, "max", x.dtype, &hi, &params.hi_host));
    if (x.dtype != DType::kFloat32 && x.dtype != DType::kFloat64 && x.dtype != DType::kFloat16)
      return ctx.unsupported_dtype(0);
  } else {
    FOVEA_RETURN_IF_ERROR(input_bound(ctx, 1, &params.lo_host, &params.lo_device));
    FOVEA_RETURN_IF_ERROR(input_bound(ctx, 2, &params.hi_host, &params.hi_device));
  }
  return launch_status(ctx, kernels::launch_clip(params, *kind, x.data, y->data, x.numel(), ctx.stream()), 0);
}

}  // namespace fovea::cuda::elementwise_ops
