// Shape functions of MaxPool, AveragePool, GlobalAveragePool and GlobalMaxPool.
#include "ops/conv_params.h"
#include "ops/shape_functions.h"

namespace fovea {
namespace {

// Spatial ranks the CPU pooling kernels handle (1-D, 2-D, 3-D).
constexpr int64_t kMaxPoolSpatialRank = 3;

Status infer_window_pool(InferContext& ctx, bool is_max) {
  const DType t = ctx.input_dtype(0);
  const bool dtype_ok = t == DType::kFloat32 || t == DType::kFloat64 || t == DType::kFloat16 ||
                        (is_max && (t == DType::kInt8 || t == DType::kUInt8));
  if (!dtype_ok) return ctx.unsupported_here("dtype {} is not supported", dtype_name(t));
  const auto& xs = ctx.input_shape(0);
  if (is_max) {
    FOVEA_ASSIGN_OR_RETURN(int64_t storage_order, ctx.node().attr_int("storage_order", 0));
    if (storage_order != 0 && storage_order != 1) return ctx.error("storage_order must be 0 or 1, got {}", storage_order);
  } else {
    FOVEA_RETURN_IF_ERROR(ctx.node().attr_int("count_include_pad", 0).status());
  }
  if (!xs) {
    ctx.set_output(0, t, std::nullopt);
    if (is_max) ctx.set_output(1, DType::kInt64, std::nullopt);
    return Status::ok();
  }
  if (xs->size() < 3) return ctx.error("input must have rank >= 3 (N, C, spatial...), got {}", xs->size());
  const int64_t spatial = static_cast<int64_t>(xs->size()) - 2;
  if (spatial > kMaxPoolSpatialRank) return ctx.unsupported_here("{} spatial dims; at most 3 are supported", spatial);
  FOVEA_ASSIGN_OR_RETURN(WindowAttrs attrs, parse_window_attrs(ctx.node(), WindowKind::kPool, spatial, {}));
  const Dims x = known_dims_or_minus_one(*xs);
  FOVEA_ASSIGN_OR_RETURN(ResolvedWindow win,
                         resolve_window(ctx.node(), WindowKind::kPool, attrs, Dims(x.begin() + 2, x.end())));
  for (int64_t i = 0; i < spatial; ++i)
    if (win.pads[i] >= attrs.kernel[i] * attrs.dilations[i] || win.pads[i + spatial] >= attrs.kernel[i] * attrs.dilations[i])
      if (attrs.auto_pad == AutoPad::kNotSet)
        return ctx.error("pads {} must be smaller than the kernel extent", dims_to_string(win.pads));
  Shape out{(*xs)[0], (*xs)[1]};
  for (int64_t d : win.out) out.push_back(d >= 0 ? Dim::known(d) : Dim::unknown());
  ctx.set_output(0, t, out);
  if (is_max) ctx.set_output(1, DType::kInt64, out);
  return Status::ok();
}

Status infer_global_pool(InferContext& ctx, bool is_max) {
  const DType t = ctx.input_dtype(0);
  if (t != DType::kFloat32 && t != DType::kFloat64 && t != DType::kFloat16) return ctx.unsupported_here("dtype {} is not supported", dtype_name(t));
  const auto& xs = ctx.input_shape(0);
  if (!xs) {
    ctx.set_output(0, t, std::nullopt);
    return Status::ok();
  }
  if (xs->size() < 3) return ctx.error("input must have rank >= 3 (N, C, spatial...), got {}", xs->size());
  Shape out{(*xs)[0], (*xs)[1]};
  out.resize(xs->size(), Dim::known(1));
  ctx.set_output(0, t, out);
  return Status::ok();
}

}  // namespace

Status infer_max_pool(InferContext& ctx) { return infer_window_pool(ctx, true); }
Status infer_average_pool(InferContext& ctx) { return infer_window_pool(ctx, false); }
Status infer_global_average_pool(InferContext& ctx) { return infer_global_pool(ctx, false); }
Status infer_global_max_pool(InferContext& ctx) { return infer_global_pool(ctx, true); }

}  // namespace fovea
