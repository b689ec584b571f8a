// Shape function of CumSum: output = input; the axis input (int32/int64 scalar) and the
// exclusive/reverse attributes are validated.
#include "ops/shape_functions.h"

namespace fovea {

Status infer_cum_sum(InferContext& ctx) {
  if (!ctx.has_input(0) || !ctx.has_input(1)) return ctx.error("inputs x and axis are required");
  const DType dtype = ctx.input_dtype(0);
  if (dtype == DType::kBool || dtype == DType::kString) return ctx.error("input has dtype {}, which cannot be summed", dtype_name(dtype));
  const DType axis_dtype = ctx.input_dtype(1);
  if (axis_dtype != DType::kInt32 && axis_dtype != DType::kInt64 && axis_dtype != DType::kUndefined)
    return ctx.error("axis must be int32 or int64, got {}", dtype_name(axis_dtype));
  for (const char* name : {"exclusive", "reverse"}) {
    FOVEA_ASSIGN_OR_RETURN(int64_t v, ctx.node().attr_int(name, 0));
    if (v != 0 && v != 1) return ctx.error("{} must be 0 or 1, got {}", name, v);
  }
  if (const Tensor* axis = ctx.input_value(1)) {
    if (axis->numel() != 1 || axis->rank() > 1)
      return ctx.error("axis must be a scalar, got shape {}", dims_to_string(axis->dims()));
    if (ctx.input_shape(0)) {
      const int64_t rank = static_cast<int64_t>(ctx.input_shape(0)->size());
      FOVEA_RETURN_IF_ERROR(normalize_axis(axis->int_at(0), rank, ctx.node().describe()).status());
    }
  }
  ctx.set_output(0, dtype, ctx.input_shape(0));
  return Status::ok();
}

}  // namespace fovea
