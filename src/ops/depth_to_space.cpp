// DepthToSpace (channels to blocks of pixels; DCR or CRD order) and its inverse SpaceToDepth,
// on NCHW tensors.
#include "ops/known_inputs.h"
#include "ops/shape_functions.h"

namespace fovea {
namespace {

Result<int64_t> read_blocksize(const InferContext& ctx) {
  if (!ctx.node().has_attribute("blocksize")) return ctx.error("attribute 'blocksize' is required");
  FOVEA_ASSIGN_OR_RETURN(int64_t b, ctx.node().attr_int("blocksize", 0));
  if (b <= 0 || b > (int64_t{1} << 20)) return ctx.error("blocksize {} must be positive", b);
  return b;
}

Result<Shape> require_rank4(const InferContext& ctx) {
  const auto& in = ctx.input_shape(0);
  if (!in) return Shape(4, Dim::unknown());
  if (in->size() != 4) return ctx.error("input must be 4-D (NCHW), has shape {}", shape_to_string(*in));
  return *in;
}

}  // namespace

Status infer_depth_to_space(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(require_inputs(ctx, 1));
  FOVEA_ASSIGN_OR_RETURN(int64_t b, read_blocksize(ctx));
  FOVEA_ASSIGN_OR_RETURN(std::string mode, ctx.node().attr_string("mode", "DCR"));
  if (mode != "DCR" && mode != "CRD") return ctx.error("mode must be DCR or CRD, got '{}'", mode);
  FOVEA_ASSIGN_OR_RETURN(Shape s, require_rank4(ctx));
  if (s[1].is_known()) {
    if (s[1].value % (b * b) != 0) return ctx.error("channels {} are not a multiple of blocksize^2 = {}", s[1].value, b * b);
    s[1] = Dim::known(s[1].value / (b * b));
  }
  for (int i = 2; i < 4; ++i) {
    if (!s[i].is_known()) { s[i] = Dim::unknown(); continue; }
    if (__builtin_mul_overflow(s[i].value, b, &s[i].value)) return ctx.error("output size overflows");
  }
  ctx.set_output(0, ctx.input_dtype(0), std::move(s));
  return Status::ok();
}

Status infer_space_to_depth(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(require_inputs(ctx, 1));
  FOVEA_ASSIGN_OR_RETURN(int64_t b, read_blocksize(ctx));
  FOVEA_ASSIGN_OR_RETURN(Shape s, require_rank4(ctx));
  for (int i = 2; i < 4; ++i) {
    if (!s[i].is_known()) { s[i] = Dim::unknown(); continue; }
    if (s[i].value % b != 0) return ctx.error("spatial dim {} is not a multiple of blocksize {}", s[i].value, b);
    s[i] = Dim::known(s[i].value / b);
  }
  if (!s[1].is_known()) s[1] = Dim::unknown();
  else if (__builtin_mul_overflow(s[1].value, b * b, &s[1].value)) return ctx.error("output size overflows");
  ctx.set_output(0, ctx.input_dtype(0), std::move(s));
  return Status::ok();
}

}  // namespace fovea
