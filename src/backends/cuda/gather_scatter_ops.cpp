// Gather, GatherElements, GatherND, ScatterND, ScatterElements and Scatter. Indices stay on the
// device; the launchers handle negative ones and make out-of-range ones harmless (see
// kernels/gather.h and kernels/scatter.h: the CPU reference reports them as errors instead).
#include "backends/cuda/data_movement_ops.h"
#include "backends/cuda/gpu_dtype.h"
#include "backends/cuda/kernels/gather.h"
#include "backends/cuda/kernels/scatter.h"
#include "backends/cuda/kernels/strided_copy.h"

namespace fovea::cuda {
namespace {

Result<int64_t> normalized_axis(const GpuKernelContext& ctx, int64_t rank) {
  FOVEA_ASSIGN_OR_RETURN(int64_t axis, ctx.node().attr_int("axis", 0));
  const int64_t a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) return ctx.error("axis {} is out of range for rank {}", axis, rank);
  return a;
}

std::vector<int64_t> row_major_strides(const Dims& dims) {
  std::vector<int64_t> s(dims.size(), 1);
  for (size_t i = dims.size(); i-- > 1;) s[i - 1] = s[i] * dims[i];
  return s;
}

Result<kernels::ScatterReduction> scatter_reduction(const GpuKernelContext& ctx) {
  FOVEA_ASSIGN_OR_RETURN(std::string name, ctx.node().attr_string("reduction", "none"));
  if (name == "none") return kernels::ScatterReduction::kNone;
  if (name == "add") return kernels::ScatterReduction::kAdd;
  if (name == "mul") return kernels::ScatterReduction::kMul;
  if (name == "max") return kernels::ScatterReduction::kMax;
  if (name == "min") return kernels::ScatterReduction::kMin;
  return ctx.error("unknown reduction '{}'", name);
}

// The element type a scatter works in: any type by size without a reduction (a plain store),
// a real arithmetic type with one.
Result<kernels::ScalarKind> scatter_kind(const GpuKernelContext& ctx, kernels::ScatterReduction r) {
  const DType t = ctx.input(0).dtype;
  if (r == kernels::ScatterReduction::kNone) {
    switch (dtype_size(t)) {
      case 1: return kernels::ScalarKind::kU8;
      case 2: return kernels::ScalarKind::kU16;
      case 4: return kernels::ScalarKind::kU32;
      case 8: return kernels::ScalarKind::kU64;
      default: return ctx.unsupported_dtype(0);
    }
  }
  if (auto k = to_scalar_kind(t)) return *k;
  return ctx.unsupported_dtype(0);
}

// Scatters start from a copy of data (nothing to copy when the planner aliased them).
Status copy_data_to_output(GpuKernelContext& ctx) {
  const DeviceTensor& data = ctx.input(0);
  DeviceTensor& out = ctx.output(0);
  if (out.nbytes() != data.nbytes()) return internal_error("{}: output size differs from data", ctx.node().describe());
  return launch_status(ctx, kernels::launch_device_copy(data.data, out.data, data.nbytes(), ctx.stream()),
                       "launch_device_copy");
}

}  // namespace

Status run_gather(GpuKernelContext& ctx) {
  const DeviceTensor& data = ctx.input(0);
  const DeviceTensor& indices = ctx.input(1);
  DeviceTensor& out = ctx.output(0);
  FOVEA_ASSIGN_OR_RETURN(int64_t esize, movable_element_size(ctx, 0));
  FOVEA_ASSIGN_OR_RETURN(bool int64_indices, indices_are_int64(ctx, 1));
  const int64_t rank = static_cast<int64_t>(data.dims.size());
  FOVEA_ASSIGN_OR_RETURN(int64_t axis, normalized_axis(ctx, rank));
  kernels::GatherParams p;
  for (int64_t d = 0; d < axis; ++d) p.outer *= data.dims[static_cast<size_t>(d)];
  for (int64_t d = axis + 1; d < rank; ++d) p.inner *= data.dims[static_cast<size_t>(d)];
  p.axis_dim = data.dims[static_cast<size_t>(axis)];
  p.index_count = indices.numel();
  p.element_size = esize;
  p.indices_int64 = int64_indices;
  if (out.numel() != p.outer * p.index_count * p.inner)
    return internal_error("{}: output size disagrees with data and indices", ctx.node().describe());
  return launch_status(ctx, kernels::launch_gather(p, data.data, indices.data, out.data, ctx.stream()),
                       "launch_gather");
}

Status run_gather_elements(GpuKernelContext& ctx) {
  const DeviceTensor& data = ctx.input(0);
  const DeviceTensor& indices = ctx.input(1);
  FOVEA_ASSIGN_OR_RETURN(int64_t esize, movable_element_size(ctx, 0));
  FOVEA_ASSIGN_OR_RETURN(bool int64_indices, indices_are_int64(ctx, 1));
  const size_t rank = data.dims.size();
  FOVEA_RETURN_IF_ERROR(check_rank(ctx, rank, "data"));
  FOVEA_ASSIGN_OR_RETURN(int64_t axis, normalized_axis(ctx, static_cast<int64_t>(rank)));
  if (indices.dims.size() != rank) return ctx.error("indices rank differs from data rank");
  for (size_t d = 0; d < rank; ++d)
    if (static_cast<int64_t>(d) != axis && indices.dims[d] > data.dims[d])
      return ctx.error("indices exceed data on axis {}", d);
  kernels::GatherElementsParams p;
  p.rank = static_cast<int>(rank);
  p.axis = static_cast<int>(axis);
  const std::vector<int64_t> strides = row_major_strides(data.dims);
  for (size_t d = 0; d < rank; ++d) {
    p.index_dims[d] = indices.dims[d];
    p.data_strides[d] = strides[d];
  }
  p.axis_dim = data.dims[static_cast<size_t>(axis)];
  p.element_size = esize;
  p.indices_int64 = int64_indices;
  return launch_status(ctx, kernels::launch_gather_elements(p, data.data, indices.data, ctx.output(0).data,
                                                            ctx.stream()),
                       "launch_gather_elements");
}

Status run_gather_nd(GpuKernelContext& ctx) {
  const DeviceTensor& data = ctx.input(0);
  const DeviceTensor& indices = ctx.input(1);
  DeviceTensor& out = ctx.output(0);
  FOVEA_ASSIGN_OR_RETURN(int64_t esize, movable_element_size(ctx, 0));
  FOVEA_ASSIGN_OR_RETURN(bool int64_indices, indices_are_int64(ctx, 1));
  FOVEA_ASSIGN_OR_RETURN(const int64_t b, ctx.node().attr_int("batch_dims", 0));
  const int64_t r = static_cast<int64_t>(data.dims.size()), q = static_cast<int64_t>(indices.dims.size());
  if (q < 1 || b < 0 || b >= q || b > r) return ctx.error("batch_dims {} does not fit the input ranks", b);
  const int64_t m = indices.dims[static_cast<size_t>(q - 1)];
  if (m > kernels::kMaxRank) return ctx.unsupported_here("index tuples of {} entries (at most {})", m, kernels::kMaxRank);
  if (b + m > r) return ctx.error("index tuples of {} entries exceed the data's rank", m);
  kernels::GatherNdParams p;
  for (int64_t d = 0; d < b; ++d) p.batches *= data.dims[static_cast<size_t>(d)];
  for (int64_t d = b + m; d < r; ++d) p.slice *= data.dims[static_cast<size_t>(d)];
  p.index_depth = static_cast<int>(m);
  for (int64_t j = 0; j < m; ++j) p.dims[j] = data.dims[static_cast<size_t>(b + j)];
  p.tuples = p.batches == 0 || m == 0 ? 0 : indices.numel() / m / p.batches;
  p.element_size = esize;
  p.indices_int64 = int64_indices;
  if (p.tuples == 0) {
    // Nothing is gathered; the CPU reference leaves its zero-filled output as is.
    if (out.nbytes() == 0) return Status::ok();
    return launch_status(ctx, cudaMemsetAsync(out.data, 0, out.nbytes(), ctx.stream()), "cudaMemsetAsync");
  }
  if (out.numel() != p.batches * p.tuples * p.slice)
    return internal_error("{}: output size disagrees with data and indices", ctx.node().describe());
  return launch_status(ctx, kernels::launch_gather_nd(p, data.data, indices.data, out.data, ctx.stream()),
                       "launch_gather_nd");
}

Status run_scatter_nd(GpuKernelContext& ctx) {
  const DeviceTensor& data = ctx.input(0);
  const DeviceTensor& indices = ctx.input(1);
  const DeviceTensor& updates = ctx.input(2);
  FOVEA_ASSIGN_OR_RETURN(bool int64_indices, indices_are_int64(ctx, 1));
  FOVEA_ASSIGN_OR_RETURN(kernels::ScatterReduction red, scatter_reduction(ctx));
  FOVEA_ASSIGN_OR_RETURN(kernels::ScalarKind kind, scatter_kind(ctx, red));
  if (indices.dims.empty()) return ctx.error("indices must have rank >= 1");
  const int64_t k = indices.dims.back();
  if (k > static_cast<int64_t>(data.dims.size())) return ctx.error("index tuples longer than the data's rank");
  if (k > kernels::kMaxRank) return ctx.unsupported_here("index tuples of {} entries (at most {})", k, kernels::kMaxRank);
  kernels::ScatterNdParams p;
  for (size_t d = static_cast<size_t>(k); d < data.dims.size(); ++d) p.inner *= data.dims[d];
  p.tuples = k == 0 ? 0 : indices.numel() / k;
  p.index_depth = static_cast<int>(k);
  for (int64_t j = 0; j < k; ++j) p.dims[j] = data.dims[static_cast<size_t>(j)];
  p.kind = kind;
  p.reduction = red;
  p.indices_int64 = int64_indices;
  if (updates.numel() != p.tuples * p.inner)
    return ctx.error("updates hold {} elements, indices and data need {}", updates.numel(), p.tuples * p.inner);
  FOVEA_RETURN_IF_ERROR(copy_data_to_output(ctx));
  return launch_status(ctx, kernels::launch_scatter_nd(p, indices.data, updates.data, ctx.output(0).data,
                                                       ctx.stream()),
                       "launch_scatter_nd");
}

Status run_scatter_elements(GpuKernelContext& ctx) {
  const DeviceTensor& data = ctx.input(0);
  const DeviceTensor& indices = ctx.input(1);
  const DeviceTensor& updates = ctx.input(2);
  FOVEA_ASSIGN_OR_RETURN(bool int64_indices, indices_are_int64(ctx, 1));
  FOVEA_ASSIGN_OR_RETURN(kernels::ScatterReduction red, scatter_reduction(ctx));
  FOVEA_ASSIGN_OR_RETURN(kernels::ScalarKind kind, scatter_kind(ctx, red));
  const size_t rank = data.dims.size();
  FOVEA_RETURN_IF_ERROR(check_rank(ctx, rank, "data"));
  FOVEA_ASSIGN_OR_RETURN(int64_t axis, normalized_axis(ctx, static_cast<int64_t>(rank)));
  if (indices.dims.size() != rank || updates.dims != indices.dims)
    return ctx.error("indices and updates must have the data's rank and one shape");
  kernels::ScatterElementsParams p;
  p.rank = static_cast<int>(rank);
  p.axis = static_cast<int>(axis);
  const std::vector<int64_t> strides = row_major_strides(data.dims);
  for (size_t d = 0; d < rank; ++d) {
    if (static_cast<int64_t>(d) != axis && indices.dims[d] > data.dims[d])
      return ctx.error("indices exceed data on axis {}", d);
    p.index_dims[d] = indices.dims[d];
    p.data_strides[d] = strides[d];
  }
  p.axis_dim = data.dims[static_cast<size_t>(axis)];
  p.kind = kind;
  p.reduction = red;
  p.indices_int64 = int64_indices;
  FOVEA_RETURN_IF_ERROR(copy_data_to_output(ctx));
  return launch_status(ctx, kernels::launch_scatter_elements(p, indices.data, updates.data, ctx.output(0).data,
                                                             ctx.stream()),
                       "launch_scatter_elements");
}

}  // namespace fovea::cuda
