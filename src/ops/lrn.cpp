// LRN: local response normalization across channels of an [N, C, ...] float tensor.
#include "ops/elementwise_inference.h"
#include "ops/shape_functions.h"

namespace fovea {

Status infer_lrn(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(check_input_dtype(ctx, 0, kFloatDTypes));
  if (!ctx.node().has_attribute("size")) return ctx.error("attribute 'size' is required");
  FOVEA_ASSIGN_OR_RETURN(const int64_t size, ctx.node().attr_int("size", 0));
  if (size < 1) return ctx.error("attribute size must be >= 1, got {}", size);
  for (const char* name : {"alpha", "beta", "bias"}) FOVEA_RETURN_IF_ERROR(ctx.node().attr_float(name, 0.f).status());
  if (ctx.input_shape(0) && ctx.input_shape(0)->size() < 3)
    return ctx.error("input must have rank >= 3 ([N, C, D1, ...]), got {}", ctx.input_shape(0)->size());
  ctx.set_output(0, ctx.input_dtype(0), ctx.input_shape(0));
  return Status::ok();
}

}  // namespace fovea
