// Shape function of fovea.FusedConv: Conv (X, W, [B]) plus an activation and an optional
// residual Z of the output's exact shape (docs/fused-ops.md). With layout "NHWC" (2-D only) X, Z
// and Y are [N,H,W,C] and W is [K,R,S,C/group]; the NCHW rules are applied to the permuted shapes.
#include "ops/fused_activation.h"
#include "ops/shape_functions.h"

namespace fovea {
namespace {

// Output dim i of a permutation takes input dim perm[i].
constexpr int64_t kNhwcToNchw[4] = {0, 3, 1, 2};
constexpr int64_t kNchwToNhwc[4] = {0, 2, 3, 1};

std::optional<Shape> permuted(const std::optional<Shape>& s, const int64_t (&perm)[4]) {
  if (!s || s->size() != 4) return s;
  Shape out;
  for (int64_t p : perm) out.push_back((*s)[static_cast<size_t>(p)]);
  return out;
}

Status infer_fused_conv_nchw(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(infer_conv(ctx));  // also checks that every present input has X's dtype
  if (!ctx.has_input(3)) return Status::ok();
  const auto& z = ctx.input_shape(3);
  const auto& y = ctx.output(0).shape;
  if (!z || !y) return Status::ok();
  if (z->size() != y->size())
    return ctx.error("residual Z has shape {}, the output has {}", shape_to_string(*z), shape_to_string(*y));
  for (size_t i = 0; i < z->size(); ++i)
    if ((*z)[i].is_known() && (*y)[i].is_known() && (*z)[i].value != (*y)[i].value)
      return ctx.error("residual Z has shape {}, the output has {}", shape_to_string(*z), shape_to_string(*y));
  return Status::ok();
}

// NHWC: check ranks, run the NCHW rules on X, W, Z permuted to NCHW / KCRS, permute Y back.
Status infer_fused_conv_nhwc(InferContext& ctx) {
  const char* names[4] = {"X", "W", "B", "Z"};
  for (size_t i : {size_t{0}, size_t{1}, size_t{3}}) {
    if (!ctx.has_input(i) || !ctx.input_shape(i)) continue;
    if (ctx.input_shape(i)->size() != 4)
      return ctx.error("layout NHWC needs a 4-D {} ({}), got rank {}", names[i],
                       i == 1 ? "[K,R,S,C/group]" : "[N,H,W,C]", ctx.input_shape(i)->size());
  }
  std::vector<TensorInfo> nchw;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    TensorInfo info = ctx.input(i);
    if (i != 2) {
      info.shape = permuted(info.shape, kNhwcToNchw);  // X, Z: NHWC -> NCHW; W: KRSC -> KCRS
      info.value = nullptr;                             // the data is not in the permuted order
      info.symbolic_value.reset();
    }
    nchw.push_back(std::move(info));
  }
  InferContext inner(ctx.node(), ctx.opset(), std::move(nchw));
  FOVEA_RETURN_IF_ERROR(infer_fused_conv_nchw(inner));
  ctx.set_output(0, inner.output(0).dtype, permuted(inner.output(0).shape, kNchwToNhwc));
  return Status::ok();
}

}  // namespace

Status infer_fused_conv(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(parse_fused_activation(ctx.node()).status());
  FOVEA_ASSIGN_OR_RETURN(int64_t after, ctx.node().attr_int("residual_after_activation", 0));
  if (after != 0 && after != 1) return ctx.error("residual_after_activation must be 0 or 1, got {}", after);
  if (!ctx.has_input(0) || !ctx.has_input(1)) return ctx.error("inputs X and W are required");
  FOVEA_ASSIGN_OR_RETURN(const std::string layout, ctx.node().attr_string("layout", "NCHW"));
  if (layout == "NCHW") return infer_fused_conv_nchw(ctx);
  if (layout == "NHWC") return infer_fused_conv_nhwc(ctx);
  return ctx.error("layout must be \"NCHW\" or \"NHWC\", got \"{}\"", layout);
}

}  // namespace fovea
