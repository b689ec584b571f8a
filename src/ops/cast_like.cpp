// CastLike: Cast to the dtype of input 1 (`target_type`), whose data is not read.
#include "ops/elementwise_inference.h"
#include "ops/shape_functions.h"

namespace fovea {

Status infer_cast_like(InferContext& ctx) {
  if (!ctx.has_input(0) || !ctx.has_input(1)) return ctx.error("inputs 0 and 1 are required");
  const DType from = ctx.input_dtype(0), to = ctx.input_dtype(1);
  if (from == DType::kString || to == DType::kString) return ctx.unsupported_here("string tensors are not supported");
  ctx.set_output(0, to, ctx.input_shape(0));
  return Status::ok();
}

}  // namespace fovea
