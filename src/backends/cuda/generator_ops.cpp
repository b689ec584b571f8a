// Range, EyeLike, OneHot, Trilu, CumSum and ReverseSequence. Scalars that shape the output
// (Range's start and delta, Trilu's k, CumSum's axis) are read on the host; OneHot's indices and
// values and ReverseSequence's lengths stay on the device.
#include <cstring>

#include "backends/cuda/data_movement_ops.h"
#include "backends/cuda/gpu_dtype.h"
#include "backends/cuda/kernels/fill.h"
#include "backends/cuda/kernels/one_hot_trilu.h"
#include "backends/cuda/kernels/sequence_ops.h"

namespace fovea::cuda {

Status run_range(GpuKernelContext& ctx) {
  DeviceTensor& out = ctx.output(0);
  switch (out.dtype) {
    case DType::kFloat32: case DType::kFloat64: case DType::kInt16: case DType::kInt32: case DType::kInt64: break;
    default: return ctx.unsupported_dtype(0);
  }
  FOVEA_ASSIGN_OR_RETURN(const Tensor* start, ctx.require_host_value(0, "start"));
  FOVEA_ASSIGN_OR_RETURN(const Tensor* delta, ctx.require_host_value(2, "delta"));
  if (start->dtype() != out.dtype || delta->dtype() != out.dtype || start->numel() != 1 || delta->numel() != 1)
    return ctx.error("start and delta must be scalars of the output's dtype");
  kernels::RangeParams p;
  p.count = out.numel();
  p.kind = *to_scalar_kind(out.dtype);
  std::memcpy(&p.start_bits, start->raw_data(), dtype_size(out.dtype));
  std::memcpy(&p.delta_bits, delta->raw_data(), dtype_size(out.dtype));
  return launch_status(ctx, kernels::launch_range(p, out.data, ctx.stream()), "launch_range");
}

Status run_eye_like(GpuKernelContext& ctx) {
  DeviceTensor& out = ctx.output(0);
  if (out.dims.size() != 2) return ctx.error("output must be 2-D");
  FOVEA_ASSIGN_OR_RETURN(const int64_t k, ctx.node().attr_int("k", 0));
  auto one = one_element_bits(out.dtype);
  if (!one.is_ok()) return ctx.unsupported_here("dtype {}", dtype_name(out.dtype));
  kernels::EyeLikeParams p;
  p.rows = out.dims[0];
  p.cols = out.dims[1];
  p.k = k;
  p.element_size = static_cast<int64_t>(dtype_size(out.dtype));
  p.one_bits = *one;
  return launch_status(ctx, kernels::launch_eye_like(p, out.data, ctx.stream()), "launch_eye_like");
}

Status run_one_hot(GpuKernelContext& ctx) {
  const DeviceTensor& indices = ctx.input(0);
  const DeviceTensor& values = ctx.input(2);
  DeviceTensor& out = ctx.output(0);
  auto index_kind = to_scalar_kind(indices.dtype);
  if (!index_kind) return ctx.unsupported_dtype(0);
  FOVEA_ASSIGN_OR_RETURN(int64_t esize, movable_element_size(ctx, 2));
  if (values.numel() != 2 || values.dtype != out.dtype) return ctx.error("values must hold [off, on] of the output's dtype");
  FOVEA_ASSIGN_OR_RETURN(int64_t axis, ctx.node().attr_int("axis", -1));
  const int64_t out_rank = static_cast<int64_t>(out.dims.size());
  if (axis < 0) axis += out_rank;
  if (axis < 0 || axis >= out_rank) return ctx.error("axis is out of range for the output's rank {}", out_rank);
  kernels::OneHotParams p;
  p.depth = out.dims[static_cast<size_t>(axis)];
  for (int64_t d = 0; d < out_rank; ++d) {
    if (d < axis) p.outer *= out.dims[static_cast<size_t>(d)];
    else if (d > axis) p.inner *= out.dims[static_cast<size_t>(d)];
  }
  if (indices.numel() != p.outer * p.inner) return internal_error("{}: indices do not fit the output", ctx.node().describe());
  p.index_kind = *index_kind;
  p.element_size = esize;
  return launch_status(ctx, kernels::launch_one_hot(p, indices.data, values.data, out.data, ctx.stream()),
                       "launch_one_hot");
}

Status run_trilu(GpuKernelContext& ctx) {
  const DeviceTensor& x = ctx.input(0);
  FOVEA_ASSIGN_OR_RETURN(int64_t esize, movable_element_size(ctx, 0));
  FOVEA_ASSIGN_OR_RETURN(const int64_t upper, ctx.node().attr_int("upper", 1));
  int64_t k = 0;
  if (ctx.has_input(1)) {
    FOVEA_ASSIGN_OR_RETURN(const Tensor* t, ctx.require_host_value(1, "k"));
    if (t->numel() != 1) return ctx.error("k must hold one value");
    k = t->int_at(0);
  }
  const size_t rank = x.dims.size();
  if (rank < 2) return ctx.error("input must have rank >= 2");
  kernels::TriluParams p;
  p.rows = x.dims[rank - 2];
  p.cols = x.dims[rank - 1];
  p.matrices = p.rows * p.cols == 0 ? 0 : x.numel() / (p.rows * p.cols);
  p.k = k;
  p.upper = upper != 0;
  p.element_size = esize;
  return launch_status(ctx, kernels::launch_trilu(p, x.data, ctx.output(0).data, ctx.stream()), "launch_trilu");
}

Status run_cum_sum(GpuKernelContext& ctx) {
  const DeviceTensor& in = ctx.input(0);
  switch (in.dtype) {
    case DType::kFloat32: case DType::kFloat16: case DType::kFloat64: case DType::kInt32: case DType::kInt64: break;
    default: return ctx.unsupported_dtype(0);
  }
  const int64_t rank = static_cast<int64_t>(in.dims.size());
  FOVEA_ASSIGN_OR_RETURN(const Tensor* axis_value, ctx.require_host_value(1, "axis"));
  if (axis_value->numel() != 1) return ctx.error("axis must hold one value");
  FOVEA_ASSIGN_OR_RETURN(int64_t axis, normalize_axis(axis_value->int_at(0), rank, ctx.node().describe()));
  FOVEA_ASSIGN_OR_RETURN(int64_t exclusive, ctx.node().attr_int("exclusive", 0));
  FOVEA_ASSIGN_OR_RETURN(int64_t reverse, ctx.node().attr_int("reverse", 0));
  kernels::CumSumParams p;
  for (int64_t d = 0; d < axis; ++d) p.outer *= in.dims[static_cast<size_t>(d)];
  for (int64_t d = axis + 1; d < rank; ++d) p.inner *= in.dims[static_cast<size_t>(d)];
  p.n = in.dims[static_cast<size_t>(axis)];
  p.exclusive = exclusive == 1;
  p.reverse = reverse == 1;
  p.kind = *to_scalar_kind(in.dtype);
  return launch_status(ctx, kernels::launch_cum_sum(p, in.data, ctx.output(0).data, ctx.stream()), "launch_cum_sum");
}

Status run_reverse_sequence(GpuKernelContext& ctx) {
  const DeviceTensor& x = ctx.input(0);
  const DeviceTensor& lens = ctx.input(1);
  FOVEA_ASSIGN_OR_RETURN(int64_t esize, movable_element_size(ctx, 0));
  FOVEA_ASSIGN_OR_RETURN(bool lens_int64, indices_are_int64(ctx, 1));
  FOVEA_ASSIGN_OR_RETURN(const int64_t batch_axis, ctx.node().attr_int("batch_axis", 1));
  if (x.dims.size() < 2 || (batch_axis != 0 && batch_axis != 1)) return ctx.error("needs rank >= 2 and batch_axis 0 or 1");
  kernels::ReverseSequenceParams p;
  p.time_axis = static_cast<int>(1 - batch_axis);
  p.batch = x.dims[static_cast<size_t>(batch_axis)];
  p.steps = x.dims[static_cast<size_t>(p.time_axis)];
  p.inner = x.numel() == 0 ? 0 : x.numel() / (p.batch * p.steps);
  p.lens_int64 = lens_int64;
  p.element_size = esize;
  if (lens.numel() != p.batch) return ctx.error("sequence_lens holds {} values for a batch of {}", lens.numel(), p.batch);
  return launch_status(ctx, kernels::launch_reverse_sequence(p, x.data, lens.data, ctx.output(0).data, ctx.stream()),
                       "launch_reverse_sequence");
}

}  // namespace fovea::cuda
