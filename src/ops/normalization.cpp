// Shape functions of BatchNormalization (inference), InstanceNormalization, LayerNormalization.
#include "ops/shape_functions.h"

namespace fovea {
namespace {

bool is_float(DType t) { return t == DType::kFloat32 || t == DType::kFloat64 || t == DType::kFloat16; }

Status check_float_inputs(InferContext& ctx) {
  for (size_t i = 0; i < ctx.num_inputs(); ++i)
    if (ctx.has_input(i) && !is_float(ctx.input_dtype(i)))
      return ctx.unsupported_here("input {} has dtype {}; only float32, float64 and float16 are supported", i,
                                  dtype_name(ctx.input_dtype(i)));
  return Status::ok();
}

// Checks that input i is 1-D with `channels` elements, where both are known.
Status check_per_channel(InferContext& ctx, size_t i, const Dim& channels, const char* what) {
  const auto& s = ctx.input_shape(i);
  if (!s) return Status::ok();
  if (s->size() != 1) return ctx.error("{} must be 1-D, has shape {}", what, shape_to_string(*s));
  if ((*s)[0].is_known() && channels.is_known() && (*s)[0].value != channels.value)
    return ctx.error("{} has {} elements, X has {} channels", what, (*s)[0].value, channels.value);
  return Status::ok();
}

}  // namespace

Status infer_batch_normalization(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(check_float_inputs(ctx));
  const Node& node = ctx.node();
  FOVEA_ASSIGN_OR_RETURN(int64_t training, node.attr_int("training_mode", 0));
  if (training != 0) return ctx.unsupported_here("training_mode=1 is not supported (inference only)");
  for (size_t i = 1; i < ctx.num_outputs(); ++i)
    if (ctx.has_output(i)) return ctx.unsupported_here("output {} is a training-mode output, not supported", i);
  FOVEA_RETURN_IF_ERROR(node.attr_float("epsilon", 1e-5f).status());
  FOVEA_ASSIGN_OR_RETURN(int64_t spatial, node.attr_int("spatial", 1));
  if (spatial != 0 && spatial != 1) return ctx.error("spatial must be 0 or 1, got {}", spatial);
  const auto& xs = ctx.input_shape(0);
  if (xs && xs->size() < 2) return ctx.error("X must have rank >= 2, got {}", xs->size());
  if (xs && spatial == 1) {
    static const char* names[] = {"scale", "B", "mean", "var"};
    for (size_t i = 1; i < 5; ++i) FOVEA_RETURN_IF_ERROR(check_per_channel(ctx, i, (*xs)[1], names[i - 1]));
  } else if (xs && spatial == 0) {
    // Per-activation parameters (opset 7/8): shape [C, D1, ...] (a leading 1 is accepted).
    for (size_t i = 1; i < 5; ++i) {
      const auto& s = ctx.input_shape(i);
      if (!s || !shape_is_static(*s) || !shape_is_static(*xs)) continue;
      Dims pd, xd;
      for (const Dim& d : *s) pd.push_back(d.value);
      for (size_t j = 1; j < xs->size(); ++j) xd.push_back((*xs)[j].value);
      FOVEA_ASSIGN_OR_RETURN(int64_t n, checked_element_count(pd, 1));
      FOVEA_ASSIGN_OR_RETURN(int64_t want, checked_element_count(xd, 1));
      if (n != want) return ctx.error("input {} has {} elements, expected C*D1*...*Dn = {}", i, n, want);
    }
  }
  ctx.set_output(0, ctx.input_dtype(0), xs);
  return Status::ok();
}

Status infer_instance_normalization(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(check_float_inputs(ctx));
  FOVEA_RETURN_IF_ERROR(ctx.node().attr_float("epsilon", 1e-5f).status());
  const auto& xs = ctx.input_shape(0);
  if (xs && xs->size() < 3) return ctx.error("X must have rank >= 3 (N, C, spatial...), got {}", xs->size());
  if (xs) {
    FOVEA_RETURN_IF_ERROR(check_per_channel(ctx, 1, (*xs)[1], "scale"));
    FOVEA_RETURN_IF_ERROR(check_per_channel(ctx, 2, (*xs)[1], "B"));
  }
  ctx.set_output(0, ctx.input_dtype(0), xs);
  return Status::ok();
}

Status infer_layer_normalization(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(check_float_inputs(ctx));
  const Node& node = ctx.node();
  FOVEA_ASSIGN_OR_RETURN(int64_t axis, node.attr_int("axis", -1));
  FOVEA_RETURN_IF_ERROR(node.attr_float("epsilon", 1e-5f).status());
  FOVEA_ASSIGN_OR_RETURN(int64_t stash_type, node.attr_int("stash_type", 1));
  const DType t = ctx.input_dtype(0);
  const DType stat_type = stash_type == 1 ? DType::kFloat32 : t;
  const auto& xs = ctx.input_shape(0);
  if (!xs) {
    ctx.set_output(0, t, std::nullopt);
    ctx.set_output(1, stat_type, std::nullopt);
    ctx.set_output(2, stat_type, std::nullopt);
    return Status::ok();
  }
  const int64_t rank = static_cast<int64_t>(xs->size());
  if (rank < 1) return ctx.error("X must have rank >= 1");
  FOVEA_ASSIGN_OR_RETURN(axis, normalize_axis(axis, rank, node.describe() + " axis"));
  // Scale and B broadcast (unidirectionally) to X.shape[axis:].
  const Shape norm(xs->begin() + axis, xs->end());
  for (size_t i = 1; i < 3; ++i) {
    if (!ctx.has_input(i) || !ctx.input_shape(i)) continue;
    const Shape& s = *ctx.input_shape(i);
    if (s.size() > norm.size())
      return ctx.error("input {} of shape {} has more dims than the normalized shape {}", i, shape_to_string(s),
                       shape_to_string(norm));
    for (size_t j = 0; j < s.size(); ++j) {
      const Dim& target = norm[norm.size() - s.size() + j];
      if (s[j].is_known() && target.is_known() && s[j].value != 1 && s[j].value != target.value)
        return ctx.error("input {} of shape {} cannot be broadcast to {}", i, shape_to_string(s), shape_to_string(norm));
    }
  }
  Shape stat(xs->begin(), xs->begin() + axis);
  stat.resize(rank, Dim::known(1));
  ctx.set_output(0, t, xs);
  ctx.set_output(1, stat_type, stat);
  ctx.set_output(2, stat_type, stat);
  return Status::ok();
}

}  // namespace fovea
