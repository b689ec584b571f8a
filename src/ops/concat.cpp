// Concat: inputs of equal rank joined along `axis`; other dims must agree.
#include "ops/known_inputs.h"
#include "ops/shape_functions.h"

namespace fovea {

Status infer_concat(InferContext& ctx) {
  if (ctx.num_inputs() == 0) return ctx.error("needs at least one input");
  if (!ctx.node().has_attribute("axis")) return ctx.error("attribute 'axis' is required");
  FOVEA_ASSIGN_OR_RETURN(int64_t axis_attr, ctx.node().attr_int("axis", 0));
  const DType dtype = ctx.input_dtype(0);
  std::optional<Shape> out;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    if (!ctx.has_input(i)) return ctx.error("input {} is missing", i);
    if (ctx.input_dtype(i) != dtype)
      return ctx.error("input {} has dtype {}, input 0 has {}", i, dtype_name(ctx.input_dtype(i)), dtype_name(dtype));
    const auto& s = ctx.input_shape(i);
    if (!s) continue;
    if (!out) { out = *s; continue; }
    if (s->size() != out->size())
      return ctx.error("input {} has rank {}, another input has rank {}", i, s->size(), out->size());
  }
  if (!out) {
    ctx.set_output(0, dtype, std::nullopt);
    return Status::ok();
  }
  const int64_t rank = static_cast<int64_t>(out->size());
  if (rank == 0) return ctx.error("cannot concatenate scalars");
  FOVEA_ASSIGN_OR_RETURN(int64_t axis, normalize_axis(axis_attr, rank, ctx.node().describe()));
  bool all_ranks_known = true;
  int64_t total = 0;
  bool total_known = true;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    const auto& s = ctx.input_shape(i);
    if (!s) { all_ranks_known = false; continue; }
    for (int64_t d = 0; d < rank; ++d) {
      const Dim& a = (*s)[d];
      Dim& o = (*out)[d];
      if (d == axis) continue;
      if (a.is_known() && o.is_known() && a.value != o.value)
        return ctx.error("input {} has shape {}, which differs from {} outside axis {}", i, shape_to_string(*s),
                         shape_to_string(*out), axis);
      if (a.is_known() && !o.is_known()) o = a;
      else if (!o.is_known() && !o.is_symbolic() && a.is_symbolic()) o = a;
    }
    if (!(*s)[axis].is_known()) total_known = false;
    else if (__builtin_add_overflow(total, (*s)[axis].value, &total)) return ctx.error("output size overflows");
  }
  (*out)[axis] = all_ranks_known && total_known ? Dim::known(total) : Dim::unknown();
  ctx.set_output(0, dtype, std::move(out));
  return Status::ok();
}

}  // namespace fovea
