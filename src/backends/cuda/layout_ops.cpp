// Ops that read the input through a strided view: Transpose (when it is a batched swap of two
// axes: the few-channel kernel if one side is 2 to 4 long, as an image's NCHW <-> NHWC, else the
// tiled shared-memory kernel; any other permutation: the generic strided copy), Slice, Expand,
// Tile, DepthToSpace and SpaceToDepth.
#include "backends/cuda/data_movement_ops.h"
#include "backends/cuda/kernels/channel_transpose.h"
#include "backends/cuda/kernels/strided_copy.h"
#include "ops/slice.h"

namespace fovea::cuda {
namespace {

std::vector<int64_t> row_major_strides(const Dims& dims) {
  std::vector<int64_t> s(dims.size(), 1);
  for (size_t i = dims.size(); i-- > 1;) s[i - 1] = s[i] * dims[i];
  return s;
}

// out (contiguous, `out_dims`) = in read at offset + sum(index * stride).
Status strided_copy(GpuKernelContext& ctx, const std::vector<int64_t>& out_dims, const std::vector<int64_t>& strides,
                    int64_t offset, int64_t element_size, const void* in, void* out) {
  if (element_count(out_dims) == 0) return Status::ok();
  kernels::StridedCopyParams p;
  if (!kernels::make_strided_copy(out_dims, strides, offset, element_size, &p))
    return ctx.unsupported_here("the strided view needs more than {} dims after merging", kernels::kMaxRank);
  kernels::widen_strided_copy(&p, reinterpret_cast<uintptr_t>(in), reinterpret_cast<uintptr_t>(out));
  return launch_status(ctx, kernels::launch_strided_copy(p, in, out, ctx.stream()), "launch_strided_copy");
}

Status transpose(GpuKernelContext& ctx, const Dims& in_dims, const std::vector<int64_t>& perm, int64_t element_size,
                 const void* in, void* out) {
  const kernels::TransposePlan plan = kernels::plan_transpose(in_dims, perm);
  if (plan.batched_2d) {
    kernels::BatchedTransposeParams p = plan.transpose;
    p.element_size = element_size;
    if (kernels::is_channel_transpose(p))
      return launch_status(ctx, kernels::launch_channel_transpose(p, in, out, ctx.stream()),
                           "launch_channel_transpose");
    return launch_status(ctx, kernels::launch_batched_transpose(p, in, out, ctx.stream()), "launch_batched_transpose");
  }
  return strided_copy(ctx, plan.copy_dims, plan.copy_strides, 0, element_size, in, out);
}

}  // namespace

Status run_transpose(GpuKernelContext& ctx) {
  const DeviceTensor& in = ctx.input(0);
  FOVEA_ASSIGN_OR_RETURN(int64_t esize, movable_element_size(ctx, 0));
  FOVEA_ASSIGN_OR_RETURN(std::vector<int64_t> perm, ctx.node().attr_ints("perm"));
  const size_t rank = in.dims.size();
  if (!ctx.node().has_attribute("perm"))
    for (size_t i = 0; i < rank; ++i) perm.push_back(static_cast<int64_t>(rank - 1 - i));
  if (perm.size() != rank) return ctx.error("perm has {} entries for an input of rank {}", perm.size(), rank);
  std::vector<bool> seen(rank, false);
  for (int64_t a : perm) {
    if (a < 0 || a >= static_cast<int64_t>(rank) || seen[static_cast<size_t>(a)])
      return ctx.error("perm is not a permutation of the input's axes");
    seen[static_cast<size_t>(a)] = true;
  }
  return transpose(ctx, in.dims, perm, esize, in.data, ctx.output(0).data);
}

Status run_slice(GpuKernelContext& ctx) {
  const DeviceTensor& in = ctx.input(0);
  DeviceTensor& out = ctx.output(0);
  FOVEA_ASSIGN_OR_RETURN(int64_t esize, movable_element_size(ctx, 0));
  const int64_t rank = static_cast<int64_t>(in.dims.size());
  static constexpr const char* kWhat[4] = {"starts", "ends", "axes", "steps"};
  std::optional<std::vector<int64_t>> lists[4];
  if (ctx.opset() >= 10)
    for (size_t i = 1; i <= 4; ++i)
      if (ctx.has_input(i)) {
        FOVEA_ASSIGN_OR_RETURN(const Tensor* t, ctx.require_host_value(i, kWhat[i - 1]));
        lists[i - 1] = t->to_int64_vector();
      }
  FOVEA_ASSIGN_OR_RETURN(SliceSpec spec, make_slice_spec(ctx.node(), ctx.opset(), rank, lists[0], lists[1], lists[2],
                                                         lists[3]));
  const std::vector<int64_t> in_strides = row_major_strides(in.dims);
  std::vector<int64_t> strides = in_strides;
  int64_t offset = 0;
  for (size_t i = 0; i < spec.axes.size(); ++i) {
    const size_t a = static_cast<size_t>(spec.axes[i]);
    const SliceRange r = resolve_slice_axis(spec.starts[i], spec.ends[i], spec.steps[i], in.dims[a]);
    if (r.count != out.dims[a]) return internal_error("{}: slice size mismatch on axis {}", ctx.node().describe(), a);
    if (r.count == 0) return Status::ok();
    offset += r.start * in_strides[a];
    strides[a] = r.count > 1 ? r.step * in_strides[a] : 0;
  }
  return strided_copy(ctx, out.dims, strides, offset, esize, in.data, out.data);
}

Status run_expand(GpuKernelContext& ctx) {
  const DeviceTensor& in = ctx.input(0);
  DeviceTensor& out = ctx.output(0);
  FOVEA_ASSIGN_OR_RETURN(int64_t esize, movable_element_size(ctx, 0));
  if (in.dims.size() > out.dims.size()) return internal_error("{}: output rank below input rank", ctx.node().describe());
  const std::vector<int64_t> in_strides = row_major_strides(in.dims);
  const size_t lead = out.dims.size() - in.dims.size();
  std::vector<int64_t> strides(out.dims.size(), 0);
  for (size_t i = 0; i < in.dims.size(); ++i) {
    if (in.dims[i] != 1 && in.dims[i] != out.dims[lead + i])
      return internal_error("{}: input dim {} does not broadcast to the output", ctx.node().describe(), i);
    strides[lead + i] = in.dims[i] == 1 ? 0 : in_strides[i];
  }
  return strided_copy(ctx, out.dims, strides, 0, esize, in.data, out.data);
}

Status run_tile(GpuKernelContext& ctx) {
  const DeviceTensor& in = ctx.input(0);
  DeviceTensor& out = ctx.output(0);
  FOVEA_ASSIGN_OR_RETURN(int64_t esize, movable_element_size(ctx, 0));
  if (in.dims.size() != out.dims.size()) return internal_error("{}: output rank differs", ctx.node().describe());
  if (out.numel() == 0) return Status::ok();
  // The output seen as [r0, d0, r1, d1, ...]: the repeat dims read with stride 0.
  const std::vector<int64_t> in_strides = row_major_strides(in.dims);
  std::vector<int64_t> dims, strides;
  for (size_t i = 0; i < in.dims.size(); ++i) {
    if (in.dims[i] == 0 || out.dims[i] % in.dims[i] != 0)
      return internal_error("{}: output dim {} is not a multiple of the input's", ctx.node().describe(), i);
    dims.push_back(out.dims[i] / in.dims[i]);
    strides.push_back(0);
    dims.push_back(in.dims[i]);
    strides.push_back(in_strides[i]);
  }
  return strided_copy(ctx, dims, strides, 0, esize, in.data, out.data);
}

// Both are a reshape to 6-D, a transpose and a reshape back (as the CPU reference).
Status run_depth_to_space(GpuKernelContext& ctx) {
  const DeviceTensor& in = ctx.input(0);
  FOVEA_ASSIGN_OR_RETURN(int64_t esize, movable_element_size(ctx, 0));
  FOVEA_ASSIGN_OR_RETURN(int64_t b, ctx.node().attr_int("blocksize", 0));
  FOVEA_ASSIGN_OR_RETURN(std::string mode, ctx.node().attr_string("mode", "DCR"));
  if (in.dims.size() != 4 || b <= 0 || in.dims[1] % (b * b) != 0)
    return ctx.error("needs a 4-D input whose channels divide by blocksize^2");
  const int64_t n = in.dims[0], c = in.dims[1] / (b * b), h = in.dims[2], w = in.dims[3];
  if (mode == "DCR") return transpose(ctx, {n, b, b, c, h, w}, {0, 3, 4, 1, 5, 2}, esize, in.data, ctx.output(0).data);
  return transpose(ctx, {n, c, b, b, h, w}, {0, 1, 4, 2, 5, 3}, esize, in.data, ctx.output(0).data);
}

Status run_space_to_depth(GpuKernelContext& ctx) {
  const DeviceTensor& in = ctx.input(0);
  FOVEA_ASSIGN_OR_RETURN(int64_t esize, movable_element_size(ctx, 0));
  FOVEA_ASSIGN_OR_RETURN(int64_t b, ctx.node().attr_int("blocksize", 0));
  if (in.dims.size() != 4 || b <= 0 || in.dims[2] % b != 0 || in.dims[3] % b != 0)
    return ctx.error("needs a 4-D input whose height and width divide by blocksize");
  const int64_t n = in.dims[0], c = in.dims[1], h = in.dims[2] / b, w = in.dims[3] / b;
  return transpose(ctx, {n, c, h, b, w, b}, {0, 3, 5, 1, 2, 4}, esize, in.data, ctx.output(0).data);
}

}  // namespace fovea::cuda
