// Shape function of Einsum.
#include "ops/einsum_equation.h"
#include "ops/shape_functions.h"

namespace fovea {

Status infer_einsum(InferContext& ctx) {
  const DType t = ctx.input_dtype(0);
  const bool ok = t == DType::kFloat32 || t == DType::kFloat64 || t == DType::kInt32 || t == DType::kInt64 ||
                  t == DType::kUInt32 || t == DType::kUInt64;
  if (!ok) return ctx.unsupported_here("dtype {} is not supported", dtype_name(t));
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    if (!ctx.has_input(i)) return ctx.error("input {} is missing", i);
    if (ctx.input_dtype(i) != t) return ctx.error("input {} has dtype {}, input 0 has {}", i, dtype_name(ctx.input_dtype(i)), dtype_name(t));
  }
  FOVEA_ASSIGN_OR_RETURN(std::string equation, ctx.node().attr_string("equation", ""));
  if (equation.empty()) return ctx.error("attribute 'equation' is required");
  std::vector<int64_t> ranks;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    if (!ctx.input_shape(i)) {
      ctx.set_output(0, t, std::nullopt);
      return Status::ok();
    }
    ranks.push_back(static_cast<int64_t>(ctx.input_shape(i)->size()));
  }
  auto parsed = parse_einsum(equation, ranks);
  if (!parsed.is_ok()) return ctx.error("{}", parsed.status().message());
  const EinsumAxes& axes = *parsed;
  // Size of each axis id: letters must agree; ellipsis dims broadcast (1 stretches).
  std::vector<Dim> size(static_cast<size_t>(axes.num_ids), Dim::known(1));
  std::vector<bool> seen(static_cast<size_t>(axes.num_ids), false);
  for (size_t i = 0; i < axes.inputs.size(); ++i) {
    const Shape& s = *ctx.input_shape(i);
    for (size_t d = 0; d < s.size(); ++d) {
      const int id = axes.inputs[i][d];
      Dim& cur = size[id];
      const Dim& nd = s[d];
      const bool ellipsis = id >= kEllipsisBase;
      if (!seen[id]) {
        cur = nd;
        seen[id] = true;
      } else if (cur.is_known() && nd.is_known()) {
        if (cur.value != nd.value) {
          if (!ellipsis || (cur.value != 1 && nd.value != 1))
            return ctx.error("dim {} of input {} is {}, but the same axis elsewhere is {}", d, i, nd.value, cur.value);
          if (cur.value == 1) cur = nd;
        }
      } else if (cur.is_known() && cur.value == 1 && ellipsis) {
        cur = nd;
      } else if (!cur.is_known() && nd.is_known() && (!ellipsis || nd.value != 1)) {
        cur = nd;
      }
    }
  }
  Shape out;
  for (int id : axes.output) out.push_back(size[id]);
  ctx.set_output(0, t, out);
  return Status::ok();
}

}  // namespace fovea
