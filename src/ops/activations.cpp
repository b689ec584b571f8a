// Shape functions of the activation ops: one input, output of the same dtype and shape.
#include "ops/elementwise_inference.h"
#include "ops/shape_functions.h"

namespace fovea {
namespace {

// Reads (and so type-checks) the float attributes an activation uses.
Status check_float_attrs(const InferContext& ctx, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    auto v = ctx.node().attr_float(name, 0.f);
    if (!v.is_ok()) return v.status();
  }
  return Status::ok();
}

}  // namespace

Status infer_relu(InferContext& ctx) { return infer_same_as_input(ctx, kSignedDTypes); }
Status infer_sigmoid(InferContext& ctx) { return infer_same_as_input(ctx, kFloatDTypes); }
Status infer_tanh(InferContext& ctx) { return infer_same_as_input(ctx, kFloatDTypes); }
Status infer_hard_swish(InferContext& ctx) { return infer_same_as_input(ctx, kFloatDTypes); }
Status infer_softplus(InferContext& ctx) { return infer_same_as_input(ctx, kFloatDTypes); }
Status infer_erf(InferContext& ctx) { return infer_same_as_input(ctx, kNumericDTypes); }

Status infer_leaky_relu(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(check_float_attrs(ctx, {"alpha"}));
  return infer_same_as_input(ctx, kFloatDTypes);
}
Status infer_hard_sigmoid(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(check_float_attrs(ctx, {"alpha", "beta"}));
  return infer_same_as_input(ctx, kFloatDTypes);
}
Status infer_elu(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(check_float_attrs(ctx, {"alpha"}));
  return infer_same_as_input(ctx, kFloatDTypes);
}
Status infer_selu(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(check_float_attrs(ctx, {"alpha", "gamma"}));
  return infer_same_as_input(ctx, kFloatDTypes);
}

// PRelu: slope broadcasts unidirectionally to X, so the output has X's shape.
Status infer_prelu(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(check_input_dtype(ctx, 0, kNumericDTypes));
  FOVEA_RETURN_IF_ERROR(check_input_dtype(ctx, 1, kNumericDTypes));
  FOVEA_RETURN_IF_ERROR(check_same_dtype(ctx, 0, 2));
  const std::optional<Shape>& x = ctx.input_shape(0);
  const std::optional<Shape>& slope = ctx.input_shape(1);
  if (x && slope) {
    if (slope->size() > x->size())
      return ctx.error("slope shape {} has a higher rank than X {}", shape_to_string(*slope), shape_to_string(*x));
    for (size_t i = 0; i < slope->size(); ++i) {
      const Dim& s = (*slope)[i];
      const Dim& d = (*x)[x->size() - slope->size() + i];
      if (s.is_known() && s.value != 1 && d.is_known() && s.value != d.value)
        return ctx.error("slope shape {} does not broadcast to X shape {}", shape_to_string(*slope),
                         shape_to_string(*x));
    }
  }
  ctx.set_output(0, ctx.input_dtype(0), x);
  return Status::ok();
}

}  // namespace fovea
