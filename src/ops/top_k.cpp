// Shape function of TopK: values and int64 indices with dim `axis` replaced by k. k is the `k`
// attribute before opset 10, a 1-element int64 input from 10.
#include "ops/shape_functions.h"

namespace fovea {

Status infer_top_k(InferContext& ctx) {
  if (!ctx.has_input(0)) return ctx.error("input 0 is missing");
  const DType dtype = ctx.input_dtype(0);
  if (dtype == DType::kBool || dtype == DType::kString)
    return ctx.error("input has dtype {}, which has no ordering here", dtype_name(dtype));
  FOVEA_ASSIGN_OR_RETURN(int64_t axis, ctx.node().attr_int("axis", -1));
  FOVEA_ASSIGN_OR_RETURN(int64_t largest, ctx.node().attr_int("largest", 1));
  FOVEA_ASSIGN_OR_RETURN(int64_t sorted, ctx.node().attr_int("sorted", 1));
  if (largest != 0 && largest != 1) return ctx.error("largest must be 0 or 1, got {}", largest);
  if (sorted != 0 && sorted != 1) return ctx.error("sorted must be 0 or 1, got {}", sorted);

  std::optional<int64_t> k;
  if (ctx.opset() < 10) {
    if (ctx.has_input(1)) return ctx.error("k is an attribute before opset 10, not an input");
    if (!ctx.node().has_attribute("k")) return ctx.error("attribute k is required before opset 10");
    FOVEA_ASSIGN_OR_RETURN(int64_t kv, ctx.node().attr_int("k", 0));
    k = kv;
  } else {
    if (!ctx.has_input(1)) return ctx.error("input k is required from opset 10");
    if (ctx.input_dtype(1) != DType::kInt64 && ctx.input_dtype(1) != DType::kUndefined)
      return ctx.error("k must be int64, got {}", dtype_name(ctx.input_dtype(1)));
    if (const Tensor* kt = ctx.input_value(1)) {
      if (kt->numel() != 1 || kt->rank() > 1) return ctx.error("k must be a 1-element 1-D tensor, got shape {}",
                                                               dims_to_string(kt->dims()));
      k = kt->int_at(0);
    }
  }
  if (k && *k < 0) return ctx.error("k must be >= 0, got {}", *k);

  if (!ctx.input_shape(0)) {
    ctx.set_output(0, dtype, std::nullopt);
    ctx.set_output(1, DType::kInt64, std::nullopt);
    return Status::ok();
  }
  Shape out = *ctx.input_shape(0);
  FOVEA_ASSIGN_OR_RETURN(int64_t a, normalize_axis(axis, static_cast<int64_t>(out.size()), ctx.node().describe()));
  if (k && out[a].is_known() && *k > out[a].value)
    return ctx.error("k = {} is larger than dim {} of the input ({})", *k, a, out[a].value);
  out[a] = k ? Dim::known(*k) : Dim::unknown();
  ctx.set_output(0, dtype, out);
  ctx.set_output(1, DType::kInt64, out);
  return Status::ok();
}

}  // namespace fovea
