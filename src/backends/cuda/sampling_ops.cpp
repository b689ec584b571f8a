// GridSample, RoiAlign and MaxUnpool on the GPU.
#include "backends/cuda/gpu_dtype.h"
#include "backends/cuda/kernels/max_unpool.h"
#include "backends/cuda/kernels/spatial_sampling.h"
#include "backends/cuda/reduction_nn_ops.h"
#include "ops/max_unpool.h"

namespace fovea::cuda {

Status run_gpu_grid_sample(GpuKernelContext& ctx) {
  const DeviceTensor& x = ctx.input(0);
  const DeviceTensor& grid = ctx.input(1);
  const auto xk = to_scalar_kind(x.dtype), gk = to_scalar_kind(grid.dtype);
  if (!xk || !kernels::grid_sample_supports(*xk)) return ctx.unsupported_dtype(0);
  if (!gk || !kernels::grid_sample_supports(*gk)) return ctx.unsupported_dtype(1);
  if (x.dims.size() != 4 || grid.dims.size() != 4 || grid.dims[3] != 2)
    return ctx.unsupported_here("only 2-D sampling (X [N,C,H,W], grid [N,H,W,2]) is handled, got X {} and grid {}",
                                dims_to_string(x.dims), dims_to_string(grid.dims));
  FOVEA_ASSIGN_OR_RETURN(const std::string mode, ctx.node().attr_string("mode", "bilinear"));
  FOVEA_ASSIGN_OR_RETURN(const std::string padding, ctx.node().attr_string("padding_mode", "zeros"));
  FOVEA_ASSIGN_OR_RETURN(const int64_t align, ctx.node().attr_int("align_corners", 0));
  kernels::GridSampleParams p;
  p.x_kind = *xk;
  p.grid_kind = *gk;
  using M = kernels::GridSampleMode;
  using P = kernels::GridSamplePadding;
  p.mode = mode == "nearest" ? M::kNearest : (mode == "bicubic" || mode == "cubic") ? M::kBicubic : M::kBilinear;
  p.padding = padding == "border" ? P::kBorder : padding == "reflection" ? P::kReflection : P::kZeros;
  p.align_corners = align != 0;
  p.n = x.dims[0];
  p.c = x.dims[1];
  p.h = x.dims[2];
  p.w = x.dims[3];
  p.oh = grid.dims[1];
  p.ow = grid.dims[2];
  return launch_status(ctx, kernels::launch_grid_sample(p, x.data, grid.data, ctx.output(0).data, ctx.stream()));
}

Status run_gpu_roi_align(GpuKernelContext& ctx) {
  const DeviceTensor& x = ctx.input(0);
  const DeviceTensor& rois = ctx.input(1);
  const DeviceTensor& batch_indices = ctx.input(2);
  const auto xk = to_scalar_kind(x.dtype), rk = to_scalar_kind(rois.dtype);
  if (!xk || !kernels::roi_align_supports(*xk)) return ctx.unsupported_dtype(0);
  if (!rk || !kernels::roi_align_supports(*rk)) return ctx.unsupported_dtype(1);
  if (batch_indices.dtype != DType::kInt64 && batch_indices.dtype != DType::kInt32) return ctx.unsupported_dtype(2);
  if (x.dims.size() != 4 || rois.dims.size() != 2 || rois.dims[1] != 4 || batch_indices.numel() != rois.dims[0])
    return ctx.error("expected X [N,C,H,W], rois [R,4] and batch_indices [R], got {}, {} and {}", dims_to_string(x.dims),
                     dims_to_string(rois.dims), dims_to_string(batch_indices.dims));
  FOVEA_ASSIGN_OR_RETURN(const std::string mode, ctx.node().attr_string("mode", "avg"));
  // Opset 10 had no attribute and behaved as output_half_pixel (no half-pixel offset).
  FOVEA_ASSIGN_OR_RETURN(const std::string ctm, ctx.node().attr_string("coordinate_transformation_mode",
                                                                       ctx.opset() >= 16 ? "half_pixel" : "output_half_pixel"));
  kernels::RoiAlignParams p;
  FOVEA_ASSIGN_OR_RETURN(p.oh, ctx.node().attr_int("output_height", 1));
  FOVEA_ASSIGN_OR_RETURN(p.ow, ctx.node().attr_int("output_width", 1));
  FOVEA_ASSIGN_OR_RETURN(p.sampling_ratio, ctx.node().attr_int("sampling_ratio", 0));
  FOVEA_ASSIGN_OR_RETURN(p.spatial_scale, ctx.node().attr_float("spatial_scale", 1.f));
  p.x_kind = *xk;
  p.rois_kind = *rk;
  p.index_kind = batch_indices.dtype == DType::kInt32 ? kernels::ScalarKind::kI32 : kernels::ScalarKind::kI64;
  p.max_mode = mode == "max";
  p.half_pixel = ctm == "half_pixel";
  p.n = x.dims[0];
  p.c = x.dims[1];
  p.h = x.dims[2];
  p.w = x.dims[3];
  p.num_rois = rois.dims[0];
  return launch_status(ctx, kernels::launch_roi_align(p, x.data, rois.data, batch_indices.data, ctx.output(0).data,
                                                      ctx.stream()));
}

Status run_gpu_max_unpool(GpuKernelContext& ctx) {
  const DeviceTensor& x = ctx.input(0);
  const DeviceTensor& ind = ctx.input(1);
  DeviceTensor& y = ctx.output(0);
  if (ind.dtype != DType::kInt64) return ctx.unsupported_dtype(1);
  if (ind.numel() != x.numel()) return ctx.error("I has {} elements, X has {}", ind.numel(), x.numel());
  FOVEA_ASSIGN_OR_RETURN(const Dims def, max_unpool_default_dims(ctx.node(), x.dims));
  if (def.size() != y.dims.size() || def.size() > static_cast<size_t>(kernels::kMaxRank))
    return ctx.unsupported_here("output rank {} (default dims {})", y.dims.size(), dims_to_string(def));
  kernels::MaxUnpoolParams p;
  p.rank = static_cast<int>(def.size());
  for (int d = 0; d < p.rank; ++d) {
    p.unpooled[d] = def[d];
    p.out[d] = y.dims[d];
  }
  p.same_dims = def == y.dims;
  p.count = x.numel();
  p.out_count = y.numel();
  p.elem_size = dtype_size(x.dtype);
  if (p.elem_size != 1 && p.elem_size != 2 && p.elem_size != 4 && p.elem_size != 8) return ctx.unsupported_dtype(0);
  return launch_status(ctx, kernels::launch_max_unpool(p, x.data, ind.as<int64_t>(), y.data, ctx.stream()));
}

}  // namespace fovea::cuda
