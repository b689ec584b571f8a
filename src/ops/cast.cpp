// Cast: converts to the dtype of attribute `to`; string tensors are not supported.
#include "ops/elementwise_inference.h"
#include "ops/shape_functions.h"

namespace fovea {

Status infer_cast(InferContext& ctx) {
  if (!ctx.has_input(0)) return ctx.error("input 0 is missing");
  if (!ctx.node().has_attribute("to")) return ctx.error("attribute 'to' is required");
  FOVEA_ASSIGN_OR_RETURN(int64_t to, ctx.node().attr_int("to", 0));
  const DType target = to > 0 && to < 64 ? dtype_from_onnx(static_cast<int>(to)) : DType::kUndefined;
  if (to == static_cast<int64_t>(DType::kString) || ctx.input_dtype(0) == DType::kString)
    return ctx.unsupported_here("string tensors are not supported");
  if (target == DType::kUndefined) return ctx.unsupported_here("attribute 'to' = {} is not a supported dtype", to);
  ctx.set_output(0, target, ctx.input_shape(0));
  return Status::ok();
}

}  // namespace fovea
