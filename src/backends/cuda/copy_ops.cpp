// Ops whose output is the input's bytes or values known on the host: Reshape, Flatten, Squeeze,
// Unsqueeze, Identity and Dropout (a device copy unless the memory planner made the output a
// view of the input), Shape, Size, Constant and ConstantOfShape (values passed by value to a
// tiny kernel, so launches stay capturable into CUDA graphs).
#include <algorithm>
#include <cstring>

#include "backends/cuda/data_movement_ops.h"
#include "backends/cuda/kernels/fill.h"
#include "backends/cuda/kernels/strided_copy.h"
#include "ops/constant.h"

namespace fovea::cuda {
namespace {

Status write_blob(GpuKernelContext& ctx, const void* bytes, size_t size) {
  DeviceTensor& out = ctx.output(0);
  if (out.nbytes() != size)
    return internal_error("{}: output holds {} bytes, the value has {}", ctx.node().describe(), out.nbytes(), size);
  if (size > static_cast<size_t>(kernels::ByteBlob::kMaxBytes))
    return ctx.unsupported_here("a value of {} bytes is too large to upload from a kernel's parameters (at most {}); "
                                "the executor should hold it as a weight", size, kernels::ByteBlob::kMaxBytes);
  kernels::ByteBlob blob;
  blob.size = static_cast<int>(size);
  if (size) std::memcpy(blob.bytes, bytes, size);
  return launch_status(ctx, kernels::launch_write_bytes(blob, out.data, ctx.stream()), "launch_write_bytes");
}

Status copy_input_to_output(GpuKernelContext& ctx) {
  const DeviceTensor& in = ctx.input(0);
  DeviceTensor& out = ctx.output(0);
  if (out.nbytes() != in.nbytes())
    return internal_error("{}: output holds {} bytes, the input {}", ctx.node().describe(), out.nbytes(), in.nbytes());
  return launch_status(ctx, kernels::launch_device_copy(in.data, out.data, in.nbytes(), ctx.stream()),
                       "launch_device_copy");
}

}  // namespace

Status run_copy_input(GpuKernelContext& ctx) { return copy_input_to_output(ctx); }

// Inference Dropout: the data passes through; the optional mask is all ones (the shape function
// refused training with a non-zero ratio).
Status run_dropout(GpuKernelContext& ctx) {
  FOVEA_RETURN_IF_ERROR(copy_input_to_output(ctx));
  if (!ctx.has_output(1)) return Status::ok();
  DeviceTensor& mask = ctx.output(1);
  auto bits = one_element_bits(mask.dtype);
  if (!bits.is_ok()) return ctx.unsupported_here("mask of dtype {} is not supported", dtype_name(mask.dtype));
  kernels::FillParams p;
  p.count = mask.numel();
  p.element_size = static_cast<int64_t>(dtype_size(mask.dtype));
  p.bits = *bits;
  return launch_status(ctx, kernels::launch_fill(p, mask.data, ctx.stream()), "launch_fill");
}

Status run_shape(GpuKernelContext& ctx) {
  const Dims& dims = ctx.input(0).dims;
  const int64_t rank = static_cast<int64_t>(dims.size());
  int64_t start = 0;
  if (ctx.opset() >= 15) {
    FOVEA_ASSIGN_OR_RETURN(start, ctx.node().attr_int("start", 0));
    if (start < 0) start += rank;
    start = std::clamp<int64_t>(start, 0, rank);
  }
  const int64_t count = ctx.output(0).numel();
  if (ctx.output(0).dtype != DType::kInt64 || start + count > rank)
    return internal_error("{}: output does not fit the input's shape", ctx.node().describe());
  std::vector<int64_t> values(dims.begin() + start, dims.begin() + start + count);
  return write_blob(ctx, values.data(), values.size() * sizeof(int64_t));
}

Status run_size(GpuKernelContext& ctx) {
  if (ctx.output(0).dtype != DType::kInt64) return internal_error("{}: output is not int64", ctx.node().describe());
  const int64_t n = ctx.input(0).numel();
  return write_blob(ctx, &n, sizeof n);
}

Status run_constant(GpuKernelContext& ctx) {
  FOVEA_ASSIGN_OR_RETURN(Tensor value, constant_attribute_value(ctx.node()));
  if (value.dtype() != ctx.output(0).dtype)
    return internal_error("{}: output dtype differs from the value's", ctx.node().describe());
  return write_blob(ctx, value.raw_data(), value.nbytes());
}

Status run_constant_of_shape(GpuKernelContext& ctx) {
  FOVEA_ASSIGN_OR_RETURN(Tensor fill, constant_of_shape_fill(ctx.node()));
  DeviceTensor& out = ctx.output(0);
  const size_t size = dtype_size(out.dtype);
  if (fill.dtype() != out.dtype || fill.numel() != 1 || !(size == 1 || size == 2 || size == 4 || size == 8))
    return ctx.unsupported_here("fill value of dtype {}", dtype_name(fill.dtype()));
  kernels::FillParams p;
  p.count = out.numel();
  p.element_size = static_cast<int64_t>(size);
  std::memcpy(&p.bits, fill.raw_data(), size);
  return launch_status(ctx, kernels::launch_fill(p, out.data, ctx.stream()), "launch_fill");
}

}  // namespace fovea::cuda
