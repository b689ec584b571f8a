// Compress: the slices along `axis` (or the elements of the flattened input, without `axis`)
// whose entry in the 1-D bool `condition` is true. condition may be shorter than the axis;
// true entries beyond it are errors.
#include "ops/known_inputs.h"
#include "ops/shape_functions.h"

namespace fovea {

Status infer_compress(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(require_inputs(ctx, 2));
  const DType dtype = ctx.input_dtype(0);
  if (dtype == DType::kString) return ctx.unsupported_here("string tensors are not supported");
  if (ctx.input_dtype(1) != DType::kBool && ctx.input_dtype(1) != DType::kUndefined)
    return ctx.error("condition must be bool, got {}", dtype_name(ctx.input_dtype(1)));
  if (ctx.input_shape(1) && ctx.input_shape(1)->size() != 1)
    return ctx.error("condition must be 1-D, got rank {}", ctx.input_shape(1)->size());
  const auto& x = ctx.input_shape(0);
  const bool has_axis = ctx.node().has_attribute("axis");
  FOVEA_ASSIGN_OR_RETURN(const int64_t axis_attr, ctx.node().attr_int("axis", 0));
  if (!x) {
    ctx.set_output(0, dtype, std::nullopt);
    return Status::ok();
  }
  const int64_t rank = static_cast<int64_t>(x->size());
  int64_t axis = 0;
  if (has_axis) {
    if (rank < 1) return ctx.error("input must have rank >= 1 when axis is given");
    FOVEA_ASSIGN_OR_RETURN(axis, normalize_axis(axis_attr, rank, ctx.node().describe()));
  }
  const Dim len = has_axis ? (*x)[axis] : dim_product(*x, 0, x->size());
  Dim selected = Dim::unknown();
  if (const Tensor* c = ctx.input_value(1)) {
    int64_t count = 0;
    for (int64_t i = 0; i < c->numel(); ++i) {
      if (!c->data<bool>()[i]) continue;
      if (len.is_known() && i >= len.value)
        return ctx.error("condition selects index {} beyond the axis of size {}", i, len.value);
      ++count;
    }
    selected = Dim::known(count);
  }
  Shape out;
  if (has_axis) {
    out = *x;
    out[axis] = selected;
  } else {
    out = {selected};
  }
  ctx.set_output(0, dtype, std::move(out));
  return Status::ok();
}

}  // namespace fovea
