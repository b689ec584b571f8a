// ScatterElements (and the deprecated Scatter, opset 9-10, = ScatterElements without
// reduction): a copy of data with updates[i...] written (or combined by `reduction`) at the
// position whose `axis` coordinate is indices[i...]. indices and updates share one shape of
// data's rank, no larger than data's on the other axes.
#include "ops/known_inputs.h"
#include "ops/shape_functions.h"

namespace fovea {
namespace {

Status infer_scatter_elements_family(InferContext& ctx, bool allow_reduction) {
  FOVEA_RETURN_IF_ERROR(require_inputs(ctx, 3));
  const DType dtype = ctx.input_dtype(0);
  if (dtype == DType::kString) return ctx.unsupported_here("string tensors are not supported");
  if (ctx.input_dtype(1) != DType::kInt64 && ctx.input_dtype(1) != DType::kInt32 &&
      ctx.input_dtype(1) != DType::kUndefined)
    return ctx.error("indices must be int64 or int32, got {}", dtype_name(ctx.input_dtype(1)));
  if (ctx.input_dtype(2) != dtype)
    return ctx.error("updates have dtype {}, data has {}", dtype_name(ctx.input_dtype(2)), dtype_name(dtype));
  FOVEA_ASSIGN_OR_RETURN(const std::string reduction, ctx.node().attr_string("reduction", "none"));
  if (reduction != "none" && (!allow_reduction || (reduction != "add" && reduction != "mul" &&
                                                   reduction != "max" && reduction != "min")))
    return ctx.error("unknown reduction '{}'", reduction);
  if (reduction != "none" && dtype == DType::kBFloat16)
    return ctx.unsupported_here("reduction '{}' on {}", reduction, dtype_name(dtype));
  FOVEA_ASSIGN_OR_RETURN(const int64_t axis_attr, ctx.node().attr_int("axis", 0));
  const auto& data = ctx.input_shape(0);
  const auto& indices = ctx.input_shape(1);
  const auto& updates = ctx.input_shape(2);
  if (data && indices && updates) {
    const int64_t r = static_cast<int64_t>(data->size());
    if (r < 1) return ctx.error("data must have rank >= 1");
    FOVEA_ASSIGN_OR_RETURN(const int64_t axis, normalize_axis(axis_attr, r, ctx.node().describe()));
    if (static_cast<int64_t>(indices->size()) != r || updates->size() != indices->size())
      return ctx.error("indices {} and updates {} must both have data's rank {}", shape_to_string(*indices),
                       shape_to_string(*updates), r);
    for (int64_t d = 0; d < r; ++d) {
      const Dim& i = (*indices)[d];
      const Dim& u = (*updates)[d];
      const Dim& x = (*data)[d];
      if (i.is_known() && u.is_known() && i.value != u.value)
        return ctx.error("updates shape {} differs from indices shape {}", shape_to_string(*updates),
                         shape_to_string(*indices));
      if (d != axis && i.is_known() && x.is_known() && i.value > x.value)
        return ctx.error("indices shape {} exceeds data shape {} on axis {}", shape_to_string(*indices),
                         shape_to_string(*data), d);
    }
    const Dim& dim = (*data)[axis];
    if (const Tensor* t = ctx.input_value(1); t && dim.is_known())
      for (int64_t k = 0; k < t->numel(); ++k) {
        const int64_t v = t->int_at(k);
        if (v < -dim.value || v >= dim.value)
          return ctx.error("index {} is out of range for an axis of size {}", v, dim.value);
      }
  }
  ctx.set_output(0, dtype, data);
  return Status::ok();
}

}  // namespace

Status infer_scatter_elements(InferContext& ctx) { return infer_scatter_elements_family(ctx, true); }
Status infer_scatter(InferContext& ctx) { return infer_scatter_elements_family(ctx, false); }

}  // namespace fovea
