// Shape functions of the reductions: ReduceMean/Sum/Max/Min/Prod/L1/L2/SumSquare/LogSum/LogSumExp,
// ArgMax, ArgMin.
#include "ops/reduce_axes.h"
#include "ops/shape_functions.h"

namespace fovea {
namespace {

bool is_reducible_dtype(DType t) { return t != DType::kBool && t != DType::kString && t != DType::kUndefined; }

Status infer_reduce(InferContext& ctx) {
  if (!ctx.has_input(0)) return ctx.error("input 0 is missing");
  const DType dtype = ctx.input_dtype(0);
  if (!is_reducible_dtype(dtype) && dtype != DType::kUndefined)
    return ctx.error("input has dtype {}, which cannot be reduced", dtype_name(dtype));
  const bool axes_present = ctx.has_input(1);
  if (axes_present && ctx.input_dtype(1) != DType::kInt64 && ctx.input_dtype(1) != DType::kUndefined)
    return ctx.error("axes input must be int64, got {}", dtype_name(ctx.input_dtype(1)));
  if (!ctx.input_shape(0)) {
    ctx.set_output(0, dtype, std::nullopt);
    return Status::ok();
  }
  const Shape& in = *ctx.input_shape(0);
  FOVEA_ASSIGN_OR_RETURN(auto axes, resolve_reduce_axes(ctx.node(), ctx.opset(), static_cast<int64_t>(in.size()),
                                                        axes_present, ctx.input_value(1)));
  if (!axes) {
    // Axes unknown: with keepdims the rank is still the input's.
    FOVEA_ASSIGN_OR_RETURN(int64_t keepdims, ctx.node().attr_int("keepdims", 1));
    if (keepdims) ctx.set_output(0, dtype, Shape(in.size(), Dim::unknown()));
    else ctx.set_output(0, dtype, std::nullopt);
    return Status::ok();
  }
  ctx.set_output(0, dtype, axes->identity ? in : reduced_shape(in, *axes));
  return Status::ok();
}

Status infer_arg_reduce(InferContext& ctx) {
  if (!ctx.has_input(0)) return ctx.error("input 0 is missing");
  const DType dtype = ctx.input_dtype(0);
  if (!is_reducible_dtype(dtype) && dtype != DType::kUndefined)
    return ctx.error("input has dtype {}, which has no ordering here", dtype_name(dtype));
  if (!ctx.input_shape(0)) {
    ctx.set_output(0, DType::kInt64, std::nullopt);
    return Status::ok();
  }
  const Shape& in = *ctx.input_shape(0);
  FOVEA_ASSIGN_OR_RETURN(ReduceAxes axes, resolve_arg_reduce_axis(ctx.node(), static_cast<int64_t>(in.size())));
  for (size_t d = 0; d < in.size(); ++d)
    if (axes.reduced[d] && in[d].is_known() && in[d].value == 0)
      return ctx.error("cannot take the arg of an empty axis {}", d);
  ctx.set_output(0, DType::kInt64, reduced_shape(in, axes));
  return Status::ok();
}

}  // namespace

Status infer_reduce_mean(InferContext& ctx) { return infer_reduce(ctx); }
Status infer_reduce_sum(InferContext& ctx) { return infer_reduce(ctx); }
Status infer_reduce_max(InferContext& ctx) { return infer_reduce(ctx); }
Status infer_reduce_min(InferContext& ctx) { return infer_reduce(ctx); }
Status infer_reduce_prod(InferContext& ctx) { return infer_reduce(ctx); }
Status infer_reduce_l2(InferContext& ctx) { return infer_reduce(ctx); }
Status infer_reduce_sum_square(InferContext& ctx) { return infer_reduce(ctx); }
Status infer_reduce_l1(InferContext& ctx) { return infer_reduce(ctx); }
Status infer_reduce_log_sum(InferContext& ctx) { return infer_reduce(ctx); }
Status infer_reduce_log_sum_exp(InferContext& ctx) { return infer_reduce(ctx); }
Status infer_arg_max(InferContext& ctx) { return infer_arg_reduce(ctx); }
Status infer_arg_min(InferContext& ctx) { return infer_arg_reduce(ctx); }

}  // namespace fovea
