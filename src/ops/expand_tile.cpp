// Expand (broadcast to a shape given as input 1) and Tile (repeat along each axis).
#include "ops/broadcast.h"
#include "ops/known_inputs.h"
#include "ops/shape_functions.h"

namespace fovea {

Status infer_expand(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(require_inputs(ctx, 2));
  const DType dtype = ctx.input_dtype(0);
  if (ctx.input_dtype(1) != DType::kInt64) return ctx.error("input 1 (shape) must be int64");
  FOVEA_ASSIGN_OR_RETURN(auto target, known_int_list(ctx, 1, "shape"));
  const auto& in = ctx.input_shape(0);
  if (!target && in) {
    if (auto sym = ctx.input_symbolic_ints(1)) {  // e.g. [batch, 1, 1] from shape arithmetic
      Shape t;
      for (const SymbolicInt& e : *sym) {
        if (e.value && *e.value < 0) return ctx.error("shape has a negative dim {}", *e.value);
        t.push_back(e.value ? Dim::known(*e.value) : e.symbol.empty() ? Dim::unknown() : Dim::symbolic(e.symbol));
      }
      FOVEA_ASSIGN_OR_RETURN(Shape out, broadcast_shapes(*in, t, ctx.node().describe()));
      ctx.set_output(0, dtype, std::move(out));
      return Status::ok();
    }
  }
  if (!target) {
    auto n = known_list_length(ctx, 1);
    if (!in || !n || *n > 64) {
      ctx.set_output(0, dtype, std::nullopt);
    } else {
      Shape out(static_cast<size_t>(std::max<int64_t>(*n, static_cast<int64_t>(in->size()))), Dim::unknown());
      ctx.set_output(0, dtype, std::move(out));
    }
    return Status::ok();
  }
  for (int64_t v : *target)
    if (v < 0) return ctx.error("shape {} has a negative dim", dims_to_string(*target));
  if (!in) {
    ctx.set_output(0, dtype, std::nullopt);
    return Status::ok();
  }
  FOVEA_ASSIGN_OR_RETURN(Shape out, broadcast_shapes(*in, shape_from_dims(*target), ctx.node().describe()));
  FOVEA_RETURN_IF_ERROR(check_output_size(ctx, out, dtype));
  ctx.set_output(0, dtype, std::move(out));
  return Status::ok();
}

Status infer_tile(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(require_inputs(ctx, 2));
  const DType dtype = ctx.input_dtype(0);
  if (ctx.num_inputs() > 2) return ctx.error("takes 2 inputs from opset 6");
  if (ctx.input_dtype(1) != DType::kInt64) return ctx.error("input 1 (repeats) must be int64");
  FOVEA_ASSIGN_OR_RETURN(auto repeats, known_int_list(ctx, 1, "repeats"));
  const auto& in = ctx.input_shape(0);
  if (!in) {
    auto n = known_list_length(ctx, 1);
    if (n && *n <= 64) ctx.set_output(0, dtype, Shape(static_cast<size_t>(*n), Dim::unknown()));
    else ctx.set_output(0, dtype, std::nullopt);
    return Status::ok();
  }
  auto n = known_list_length(ctx, 1);
  if (n && *n != static_cast<int64_t>(in->size()))
    return ctx.error("repeats has {} entries for an input of rank {}", *n, in->size());
  Shape out = *in;
  for (size_t i = 0; i < out.size(); ++i) {
    if (!repeats) { out[i] = Dim::unknown(); continue; }
    const int64_t r = (*repeats)[i];
    if (r < 0) return ctx.error("repeats {} has a negative entry", dims_to_string(*repeats));
    if (r == 0) out[i] = Dim::known(0);
    else if (!out[i].is_known()) out[i] = r == 1 ? out[i] : Dim::unknown();
    else if (__builtin_mul_overflow(out[i].value, r, &out[i].value)) return ctx.error("output size overflows");
  }
  FOVEA_RETURN_IF_ERROR(check_output_size(ctx, out, dtype));
  ctx.set_output(0, dtype, std::move(out));
  return Status::ok();
}

}  // namespace fovea
