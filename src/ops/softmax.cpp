// Shape functions of Softmax and LogSoftmax: output = input's shape; the axis is validated.
// Before opset 13 the input is coerced to 2-D at `axis` (default 1); from 13 `axis` (default -1)
// names a single axis.
#include "ops/shape_functions.h"

namespace fovea {
namespace {

Status infer_softmax_family(InferContext& ctx) {
  if (!ctx.has_input(0)) return ctx.error("input 0 is missing");
  const DType dtype = ctx.input_dtype(0);
  if (dtype != DType::kUndefined && !dtype_is_float(dtype))
    return ctx.error("input must be a float tensor, got {}", dtype_name(dtype));
  FOVEA_ASSIGN_OR_RETURN(int64_t axis, ctx.node().attr_int("axis", ctx.opset() >= 13 ? -1 : 1));
  if (ctx.input_shape(0)) {
    const int64_t rank = static_cast<int64_t>(ctx.input_shape(0)->size());
    // Before 13, axis == rank is allowed (the 2-D view is [N, 1]); a scalar has one element.
    const bool coerced = ctx.opset() < 13;
    if (rank == 0) {
      if (axis != 0 && axis != -1 && !(coerced && axis == 1)) return ctx.error("axis {} is out of range for a scalar", axis);
    } else if (axis < -rank || axis > (coerced ? rank : rank - 1)) {
      return ctx.error("axis {} is out of range for rank {}", axis, rank);
    }
  }
  ctx.set_output(0, dtype, ctx.input_shape(0));
  return Status::ok();
}

}  // namespace

Status infer_softmax(InferContext& ctx) { return infer_softmax_family(ctx); }
Status infer_log_softmax(InferContext& ctx) { return infer_softmax_family(ctx); }

}  // namespace fovea
