// Shape functions of Conv and ConvTranspose.
#include "ops/conv_params.h"
#include "ops/shape_functions.h"

namespace fovea {
namespace {

Dim dim_or_unknown(int64_t v) { return v >= 0 ? Dim::known(v) : Dim::unknown(); }

Status check_float_inputs(InferContext& ctx) {
  const DType t = ctx.input_dtype(0);
  if (t != DType::kFloat32 && t != DType::kFloat64 && t != DType::kFloat16)
    return ctx.unsupported_here("input X has dtype {}; only float32, float64 and float16 are supported", dtype_name(t));
  for (size_t i = 1; i < ctx.num_inputs(); ++i)
    if (ctx.has_input(i) && ctx.input_dtype(i) != t)
      return ctx.error("input {} has dtype {}, X has {}", i, dtype_name(ctx.input_dtype(i)), dtype_name(t));
  return Status::ok();
}

// Shared by Conv and ConvTranspose: weight channel dim `w_in_dim` must equal C / group, output
// channels are W[0] (Conv) or W[1] * group (ConvTranspose).
Status infer_conv_like(InferContext& ctx, WindowKind kind) {
  FOVEA_RETURN_IF_ERROR(check_float_inputs(ctx));
  const DType dtype = ctx.input_dtype(0);
  FOVEA_ASSIGN_OR_RETURN(int64_t group, ctx.node().attr_int("group", 1));
  if (group < 1 || group > (int64_t{1} << 24)) return ctx.error("group must be in [1, 2^24], got {}", group);
  const auto& xs = ctx.input_shape(0);
  const auto& ws = ctx.input_shape(1);
  if (!xs && !ws) {
    ctx.set_output(0, dtype, std::nullopt);
    return Status::ok();
  }
  const size_t rank = xs ? xs->size() : ws->size();
  if (rank < 3) return ctx.error("X and W must have rank >= 3 (N, C, spatial...), got rank {}", rank);
  if (xs && ws && xs->size() != ws->size())
    return ctx.error("X has rank {} but W has rank {}", xs->size(), ws->size());
  const Dims x = xs ? known_dims_or_minus_one(*xs) : Dims(rank, -1);
  const Dims w = ws ? known_dims_or_minus_one(*ws) : Dims(rank, -1);
  const int64_t spatial = static_cast<int64_t>(rank) - 2;

  // Channel checks (only where the dims are known).
  const int64_t c = x[1];
  int64_t out_channels = -1;
  if (kind == WindowKind::kConv) {
    if (c >= 0 && c % group != 0) return ctx.error("input channels {} not divisible by group {}", c, group);
    if (c >= 0 && w[1] >= 0 && w[1] * group != c)
      return ctx.error("W has {} input channels per group, X has {} channels and group is {}", w[1], c, group);
    if (w[0] >= 0 && w[0] % group != 0) return ctx.error("output channels {} not divisible by group {}", w[0], group);
    out_channels = w[0];
  } else {
    if (c >= 0 && w[0] >= 0 && w[0] != c) return ctx.error("W has {} input channels, X has {}", w[0], c);
    if (c >= 0 && c % group != 0) return ctx.error("input channels {} not divisible by group {}", c, group);
    if (w[1] > (int64_t{1} << 32)) return ctx.error("W dim 1 ({}) is too large", w[1]);
    out_channels = w[1] >= 0 ? w[1] * group : -1;
  }
  if (ctx.has_input(2)) {
    const auto& bs = ctx.input_shape(2);
    if (bs && bs->size() != 1) return ctx.error("bias B must be 1-D, has rank {}", bs->size());
    if (bs && (*bs)[0].is_known() && out_channels >= 0 && (*bs)[0].value != out_channels)
      return ctx.error("bias has {} elements, the output has {} channels", (*bs)[0].value, out_channels);
  }

  const Dims kernel_from_weight(w.begin() + 2, w.end());
  FOVEA_ASSIGN_OR_RETURN(WindowAttrs attrs, parse_window_attrs(ctx.node(), kind, spatial, kernel_from_weight));
  FOVEA_ASSIGN_OR_RETURN(ResolvedWindow win,
                         resolve_window(ctx.node(), kind, attrs, Dims(x.begin() + 2, x.end())));
  Shape out;
  out.push_back(xs ? (*xs)[0] : Dim::unknown());
  out.push_back(dim_or_unknown(out_channels));
  for (int64_t d : win.out) out.push_back(dim_or_unknown(d));
  ctx.set_output(0, dtype, out);
  return Status::ok();
}

}  // namespace

Status infer_conv(InferContext& ctx) { return infer_conv_like(ctx, WindowKind::kConv); }
Status infer_conv_transpose(InferContext& ctx) { return infer_conv_like(ctx, WindowKind::kConvTranspose); }

}  // namespace fovea
