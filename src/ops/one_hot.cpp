// OneHot: output = indices' shape with a `depth` axis inserted at `axis`, filled with
// values[0] (off) and values[1] (on) at each index. Indices in [-depth, depth) are valid
// (negative ones count from the end); other indices give an all-off row, as ONNX specifies.
#include <cmath>

#include "ops/known_inputs.h"
#include "ops/shape_functions.h"

namespace fovea {

Status infer_one_hot(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(require_inputs(ctx, 3));
  for (size_t i = 0; i < 2; ++i) {
    const DType t = ctx.input_dtype(i);
    if (t != DType::kUndefined && !dtype_is_float(t) && !dtype_is_integer(t))
      return ctx.error("input {} must be numeric, got {}", i, dtype_name(t));
  }
  const DType dtype = ctx.input_dtype(2);
  if (dtype == DType::kString) return ctx.unsupported_here("string tensors are not supported");
  FOVEA_ASSIGN_OR_RETURN(const int64_t axis_attr, ctx.node().attr_int("axis", -1));
  if (const auto& vs = ctx.input_shape(2)) {
    const Dim n = dim_product(*vs, 0, vs->size());
    if (vs->size() != 1 || (n.is_known() && n.value != 2))
      return ctx.error("values must be a 1-D tensor of 2 elements, got shape {}", shape_to_string(*vs));
  }
  if (const auto& ds = ctx.input_shape(1)) {
    const Dim n = dim_product(*ds, 0, ds->size());
    if (ds->size() > 1 || (n.is_known() && n.value != 1))
      return ctx.error("depth must be a scalar, got shape {}", shape_to_string(*ds));
  }
  Dim depth = Dim::unknown();
  if (const Tensor* d = ctx.input_value(1)) {
    if (d->numel() != 1) return ctx.error("depth must have one element");
    const double v = d->double_at(0);
    if (!(v >= 1) || v > 9.0e18) return ctx.error("depth must be >= 1, got {}", v);
    depth = Dim::known(static_cast<int64_t>(v));
  }
  const auto& indices = ctx.input_shape(0);
  if (!indices) {
    ctx.set_output(0, dtype, std::nullopt);
    return Status::ok();
  }
  const int64_t out_rank = static_cast<int64_t>(indices->size()) + 1;
  FOVEA_ASSIGN_OR_RETURN(const int64_t axis, normalize_axis(axis_attr, out_rank, ctx.node().describe()));
  Shape out = *indices;
  out.insert(out.begin() + axis, depth);
  FOVEA_RETURN_IF_ERROR(check_output_size(ctx, out, dtype));
  ctx.set_output(0, dtype, std::move(out));
  return Status::ok();
}

}  // namespace fovea
