// EyeLike: a 2-D tensor shaped like the input with ones on the k-th diagonal; dtype from the
// `dtype` attribute, else the input's.
#include "ops/known_inputs.h"
#include "ops/shape_functions.h"

namespace fovea {

Status infer_eye_like(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(require_inputs(ctx, 1));
  FOVEA_RETURN_IF_ERROR(ctx.node().attr_int("k", 0).status());
  DType dtype = ctx.input_dtype(0);
  if (ctx.node().has_attribute("dtype")) {
    FOVEA_ASSIGN_OR_RETURN(const int64_t to, ctx.node().attr_int("dtype", 0));
    dtype = to > 0 && to < 64 ? dtype_from_onnx(static_cast<int>(to)) : DType::kUndefined;
    if (dtype == DType::kUndefined) return ctx.unsupported_here("attribute dtype = {} is not a supported dtype", to);
  }
  if (dtype == DType::kString) return ctx.unsupported_here("string tensors are not supported");
  if (ctx.input_shape(0) && ctx.input_shape(0)->size() != 2)
    return ctx.error("input must have rank 2, got {}", ctx.input_shape(0)->size());
  ctx.set_output(0, dtype, ctx.input_shape(0));
  return Status::ok();
}

}  // namespace fovea
