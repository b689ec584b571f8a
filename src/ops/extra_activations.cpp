// Shape functions of Softsign, ThresholdedRelu, Celu, Shrink and Mish: output of the input's
// dtype and shape; float attributes are type-checked.
#include "ops/elementwise_inference.h"
#include "ops/shape_functions.h"

namespace fovea {
namespace {

Status check_float_attr(const InferContext& ctx, const char* name) {
  return ctx.node().attr_float(name, 0.f).status();
}

}  // namespace

Status infer_softsign(InferContext& ctx) { return infer_same_as_input(ctx, kFloatDTypes); }
Status infer_mish(InferContext& ctx) { return infer_same_as_input(ctx, kFloatDTypes); }

Status infer_thresholded_relu(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(check_float_attr(ctx, "alpha"));
  return infer_same_as_input(ctx, kFloatDTypes);
}

Status infer_celu(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(check_float_attr(ctx, "alpha"));
  FOVEA_ASSIGN_OR_RETURN(const float alpha, ctx.node().attr_float("alpha", 1.f));
  if (alpha == 0.f) return ctx.error("alpha must not be 0");
  return infer_same_as_input(ctx, kFloatDTypes);
}

Status infer_shrink(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(check_float_attr(ctx, "bias"));
  FOVEA_RETURN_IF_ERROR(check_float_attr(ctx, "lambd"));
  return infer_same_as_input(ctx, kNumericDTypes);
}

}  // namespace fovea
