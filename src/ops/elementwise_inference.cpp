#include "ops/elementwise_inference.h"

#include <algorithm>

#include "ops/broadcast.h"

namespace fovea {

Status check_input_dtype(const InferContext& ctx, size_t i, std::initializer_list<DType> allowed) {
  if (!ctx.has_input(i)) return ctx.error("input {} is missing", i);
  const DType t = ctx.input_dtype(i);
  if (t == DType::kUndefined || std::find(allowed.begin(), allowed.end(), t) != allowed.end()) return Status::ok();
  return ctx.error("input {} has dtype {}, which this op does not accept", i, dtype_name(t));
}

Status check_same_dtype(const InferContext& ctx, size_t first, size_t last) {
  const DType t = ctx.input_dtype(first);
  for (size_t i = first + 1; i < last; ++i) {
    if (!ctx.has_input(i)) continue;
    const DType u = ctx.input_dtype(i);
    if (t != DType::kUndefined && u != DType::kUndefined && u != t)
      return ctx.error("input {} has dtype {} but input {} has {}; they must match", i, dtype_name(u), first,
                       dtype_name(t));
  }
  return Status::ok();
}

Status infer_same_as_input(InferContext& ctx, std::initializer_list<DType> allowed) {
  FOVEA_RETURN_IF_ERROR(check_input_dtype(ctx, 0, allowed));
  ctx.set_output(0, ctx.input_dtype(0), ctx.input_shape(0));
  return Status::ok();
}

Result<std::optional<Shape>> broadcast_input_shapes(const InferContext& ctx, size_t first, size_t last) {
  std::optional<Shape> out = Shape{};
  for (size_t i = first; i < last; ++i) {
    if (!ctx.has_input(i)) continue;
    const std::optional<Shape>& s = ctx.input_shape(i);
    if (!s) return std::optional<Shape>{};
    FOVEA_ASSIGN_OR_RETURN(Shape b, broadcast_shapes(*out, *s, ctx.node().describe()));
    out = std::move(b);
  }
  return out;
}

Status infer_broadcast_op(InferContext& ctx, std::initializer_list<DType> allowed, DType out_dtype) {
  const size_t n = ctx.num_inputs();
  if (n == 0) return ctx.error("needs at least one input");
  for (size_t i = 0; i < n; ++i) FOVEA_RETURN_IF_ERROR(check_input_dtype(ctx, i, allowed));
  FOVEA_RETURN_IF_ERROR(check_same_dtype(ctx, 0, n));
  FOVEA_ASSIGN_OR_RETURN(std::optional<Shape> shape, broadcast_input_shapes(ctx, 0, n));
  ctx.set_output(0, out_dtype == DType::kUndefined ? ctx.input_dtype(0) : out_dtype, std::move(shape));
  return Status::ok();
}

}  // namespace fovea
