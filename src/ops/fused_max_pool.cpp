// Shape function of fovea.MaxPool: ONNX MaxPool (kernel_shape, strides, pads, dilations,
// ceil_mode, auto_pad; one output, no Indices, no storage_order) on a 2-D NHWC input,
// X [N,H,W,C] -> Y [N,H',W',C]. The attribute `layout` must be "NHWC" (docs/fused-ops.md).
#include "ops/shape_functions.h"

namespace fovea {
namespace {

std::optional<Shape> permuted(const std::optional<Shape>& s, std::initializer_list<size_t> perm) {
  if (!s) return s;
  Shape out;
  for (size_t p : perm) out.push_back((*s)[p]);
  return out;
}

}  // namespace

Status infer_fovea_max_pool(InferContext& ctx) {
  FOVEA_ASSIGN_OR_RETURN(const std::string layout, ctx.node().attr_string("layout", ""));
  if (layout != "NHWC") return ctx.error("attribute layout must be \"NHWC\", got \"{}\"", layout);
  if (ctx.node().has_attribute("storage_order")) return ctx.error("storage_order is not an attribute of fovea.MaxPool");
  if (!ctx.has_input(0)) return ctx.error("input X is required");
  const auto& xs = ctx.input_shape(0);
  if (xs && xs->size() != 4) return ctx.error("X must be 4-D [N,H,W,C], got rank {}", xs->size());
  TensorInfo x = ctx.input(0);
  x.shape = permuted(xs, {0, 3, 1, 2});
  x.value = nullptr;  // the data is not in the permuted order
  x.symbolic_value.reset();
  InferContext nchw(ctx.node(), ctx.opset(), {x});
  FOVEA_RETURN_IF_ERROR(infer_max_pool(nchw));  // attribute checks and the window arithmetic
  ctx.set_output(0, nchw.output(0).dtype, permuted(nchw.output(0).shape, {0, 2, 3, 1}));
  return Status::ok();
}

}  // namespace fovea
