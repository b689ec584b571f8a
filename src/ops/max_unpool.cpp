// MaxUnpool: scatters X into a zero tensor at the positions MaxPool's Indices output gave.
// Output dims: the default ones (max_unpool.h), or the optional output_shape input (the whole
// shape, at least as large as the default); Indices address the default dims either way.
#include "ops/max_unpool.h"

#include "ops/conv_params.h"
#include "ops/elementwise_inference.h"
#include "ops/known_inputs.h"
#include "ops/shape_functions.h"

namespace fovea {

Result<Dims> max_unpool_default_dims(const Node& node, const Dims& x) {
  const int64_t spatial = static_cast<int64_t>(x.size()) - 2;
  FOVEA_ASSIGN_OR_RETURN(WindowAttrs w, parse_window_attrs(node, WindowKind::kPool, spatial, {}));
  Dims out = {x[0], x[1]};
  for (int64_t d = 0; d < spatial; ++d) {
    const int64_t in = x[2 + d];
    if (in < 0) {
      out.push_back(-1);
      continue;
    }
    int64_t v = 0;
    if (in > 0 && (__builtin_mul_overflow(in - 1, w.strides[d], &v) || __builtin_add_overflow(v, w.kernel[d], &v) ||
                   __builtin_sub_overflow(v, w.pads[d], &v) || __builtin_sub_overflow(v, w.pads[spatial + d], &v)))
      return invalid_argument("{}: output dim {} overflows", node.describe(), 2 + d);
    if (in > 0 && v < 0) return invalid_argument("{}: output dim {} would be negative ({})", node.describe(), 2 + d, v);
    out.push_back(std::max<int64_t>(v, 0));
  }
  return out;
}

Status infer_max_unpool(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(require_inputs(ctx, 2));
  FOVEA_RETURN_IF_ERROR(check_input_dtype(ctx, 0, kFloatDTypes));
  const DType dtype = ctx.input_dtype(0);
  if (ctx.input_dtype(1) != DType::kInt64 && ctx.input_dtype(1) != DType::kUndefined)
    return ctx.error("indices must be int64, got {}", dtype_name(ctx.input_dtype(1)));
  const auto& x = ctx.input_shape(0);
  const auto& ind = ctx.input_shape(1);
  if (x && x->size() < 3) return ctx.error("X must have rank >= 3, got {}", x->size());
  if (x && ind) {
    if (ind->size() != x->size()) return ctx.error("indices must have X's shape {}", shape_to_string(*x));
    for (size_t d = 0; d < x->size(); ++d)
      if ((*x)[d].is_known() && (*ind)[d].is_known() && (*x)[d].value != (*ind)[d].value)
        return ctx.error("indices shape {} differs from X shape {}", shape_to_string(*ind), shape_to_string(*x));
  }
  std::optional<std::vector<int64_t>> requested;
  if (ctx.has_input(2)) {
    FOVEA_ASSIGN_OR_RETURN(requested, known_int_list(ctx, 2, "output_shape"));
  }
  if (!x) {
    ctx.set_output(0, dtype, std::nullopt);
    return Status::ok();
  }
  FOVEA_ASSIGN_OR_RETURN(const Dims def, max_unpool_default_dims(ctx.node(), known_dims_or_minus_one(*x)));
  Shape out;
  for (size_t d = 0; d < def.size(); ++d) out.push_back(def[d] >= 0 ? Dim::known(def[d]) : (*x)[d]);
  FOVEA_RETURN_IF_ERROR(check_output_size(ctx, out, dtype));
  if (ctx.has_input(2)) {
    if (!requested) {
      for (size_t d = 2; d < out.size(); ++d) out[d] = Dim::unknown();
    } else {
      if (requested->size() != x->size())
        return ctx.error("output_shape has {} values, X has rank {}", requested->size(), x->size());
      for (size_t d = 0; d < requested->size(); ++d) {
        const int64_t v = (*requested)[d];
        if (v < 0) return ctx.error("output_shape has a negative dim {}", v);
        if ((d < 2 && out[d].is_known() && out[d].value != v) || (d >= 2 && def[d] > v))
          return ctx.error("output_shape dim {} is {}, smaller than (or, for N and C, unlike) {}", d, v, def[d]);
        out[d] = Dim::known(v);
      }
    }
  }
  FOVEA_RETURN_IF_ERROR(check_output_size(ctx, out, dtype));
  int64_t total = 1;
  for (int64_t v : def) total = v < 0 || total < 0 ? -1 : total * v;  // sizes checked above
  if (const Tensor* t = ctx.input_value(1); t && total >= 0)
    for (int64_t i = 0; i < t->numel(); ++i)
      if (t->int_at(i) < 0 || t->int_at(i) >= total)
        return ctx.error("index {} is outside the unpooled tensor of {} elements", t->int_at(i), total);
  ctx.set_output(0, dtype, std::move(out));
  return Status::ok();
}

}  // namespace fovea
