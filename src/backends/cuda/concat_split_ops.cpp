// Concat and Split: the wide tensor is [outer, axis * inner]; each narrow one a run of columns.
// One launch moves up to ChunkCopyParams::kMaxChunks tensors, widened to 16-byte words when
// the sizes and pointers allow.
#include "backends/cuda/data_movement_ops.h"
#include "backends/cuda/kernels/concat_split.h"
#include "ops/split.h"

namespace fovea::cuda {
namespace {

struct WideLayout {
  int64_t axis = 0, outer = 1, inner = 1;
};

Result<WideLayout> wide_layout(const GpuKernelContext& ctx, const Dims& dims) {
  const int64_t rank = static_cast<int64_t>(dims.size());
  FOVEA_ASSIGN_OR_RETURN(int64_t axis_attr, ctx.node().attr_int("axis", 0));
  WideLayout l;
  l.axis = axis_attr < 0 ? axis_attr + rank : axis_attr;
  if (l.axis < 0 || l.axis >= rank) return ctx.error("axis {} is out of range for rank {}", axis_attr, rank);
  for (int64_t d = 0; d < l.axis; ++d) l.outer *= dims[static_cast<size_t>(d)];
  for (int64_t d = l.axis + 1; d < rank; ++d) l.inner *= dims[static_cast<size_t>(d)];
  return l;
}

// Launches every chunk, kMaxChunks at a time; chunk j covers the next widths[j] columns.
template <typename Launch>
Status launch_in_batches(GpuKernelContext& ctx, const std::vector<void*>& chunks, const std::vector<int64_t>& widths,
                         int64_t outer, int64_t wide_row, int64_t element_size, void* wide, Launch&& launch) {
  int64_t col = 0;
  for (size_t first = 0; first < chunks.size(); first += kernels::ChunkCopyParams::kMaxChunks) {
    kernels::ChunkCopyParams p;
    p.outer = outer;
    p.wide_row = wide_row;
    p.element_size = element_size;
    p.count = static_cast<int>(std::min<size_t>(kernels::ChunkCopyParams::kMaxChunks, chunks.size() - first));
    for (int j = 0; j < p.count; ++j) {
      p.chunk_begin[j] = col;
      p.chunks[j] = chunks[first + static_cast<size_t>(j)];
      col += widths[first + static_cast<size_t>(j)];
    }
    p.chunk_begin[p.count] = col;
    if (outer == 0 || p.chunk_begin[p.count] == p.chunk_begin[0]) continue;
    kernels::widen_chunk_copy(&p, reinterpret_cast<uintptr_t>(wide));
    FOVEA_RETURN_IF_ERROR(launch_status(ctx, launch(p), "chunk copy"));
  }
  if (col != wide_row) return internal_error("{}: chunk widths do not add up to the axis", ctx.node().describe());
  return Status::ok();
}

}  // namespace

Status run_concat(GpuKernelContext& ctx) {
  DeviceTensor& out = ctx.output(0);
  FOVEA_ASSIGN_OR_RETURN(int64_t esize, movable_element_size(ctx, 0));
  FOVEA_ASSIGN_OR_RETURN(WideLayout l, wide_layout(ctx, out.dims));
  std::vector<void*> chunks;
  std::vector<int64_t> widths;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    const DeviceTensor& in = ctx.input(i);
    if (in.dims.size() != out.dims.size() || in.dtype != out.dtype)
      return internal_error("{}: input {} does not match the output", ctx.node().describe(), i);
    chunks.push_back(in.data);
    widths.push_back(in.dims[static_cast<size_t>(l.axis)] * l.inner);
  }
  const int64_t wide_row = out.dims[static_cast<size_t>(l.axis)] * l.inner;
  return launch_in_batches(ctx, chunks, widths, l.outer, wide_row, esize, out.data,
                           [&](const kernels::ChunkCopyParams& p) {
                             return kernels::launch_concat_chunks(p, out.data, ctx.stream());
                           });
}

Status run_split(GpuKernelContext& ctx) {
  const DeviceTensor& in = ctx.input(0);
  FOVEA_ASSIGN_OR_RETURN(int64_t esize, movable_element_size(ctx, 0));
  FOVEA_ASSIGN_OR_RETURN(WideLayout l, wide_layout(ctx, in.dims));
  const bool split_present = ctx.opset() >= 13 && ctx.has_input(1);
  std::optional<std::vector<int64_t>> split_values;
  if (split_present) {
    FOVEA_ASSIGN_OR_RETURN(const Tensor* t, ctx.require_host_value(1, "split"));
    split_values = t->to_int64_vector();
  }
  const int64_t dim = in.dims[static_cast<size_t>(l.axis)];
  FOVEA_ASSIGN_OR_RETURN(auto sizes, split_sizes(ctx.node(), ctx.opset(), split_present, split_values, dim));
  if (sizes.size() != ctx.num_outputs())
    return internal_error("{}: {} split sizes for {} outputs", ctx.node().describe(), sizes.size(), ctx.num_outputs());
  std::vector<void*> chunks;
  std::vector<int64_t> widths;
  for (size_t i = 0; i < sizes.size(); ++i) {
    const bool present = ctx.has_output(i);
    if (present && ctx.output(i).dims[static_cast<size_t>(l.axis)] != sizes[i])
      return internal_error("{}: output {} disagrees with its split size", ctx.node().describe(), i);
    chunks.push_back(present ? ctx.output(i).data : nullptr);
    widths.push_back(sizes[i] * l.inner);
  }
  return launch_in_batches(ctx, chunks, widths, l.outer, dim * l.inner, esize, in.data,
                           [&](const kernels::ChunkCopyParams& p) {
                             return kernels::launch_split_chunks(p, in.data, ctx.stream());
                           });
}

}  // namespace fovea::cuda
