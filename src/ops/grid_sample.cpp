// GridSample (opset 16): samples X [N, C, H, W] at the normalized locations of grid
// [N, Hout, Wout, 2] (x then y, in [-1, 1]); output [N, C, Hout, Wout].
#include "ops/elementwise_inference.h"
#include "ops/known_inputs.h"
#include "ops/shape_functions.h"

namespace fovea {

Status infer_grid_sample(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(require_inputs(ctx, 2));
  FOVEA_RETURN_IF_ERROR(check_input_dtype(ctx, 0, kFloatDTypes));
  FOVEA_RETURN_IF_ERROR(check_input_dtype(ctx, 1, kFloatDTypes));
  FOVEA_ASSIGN_OR_RETURN(const std::string mode, ctx.node().attr_string("mode", "bilinear"));
  if (mode != "bilinear" && mode != "nearest" && mode != "bicubic")
    return ctx.error("mode must be bilinear, nearest or bicubic, got '{}'", mode);
  FOVEA_ASSIGN_OR_RETURN(const std::string padding, ctx.node().attr_string("padding_mode", "zeros"));
  if (padding != "zeros" && padding != "border" && padding != "reflection")
    return ctx.error("padding_mode must be zeros, border or reflection, got '{}'", padding);
  FOVEA_ASSIGN_OR_RETURN(const int64_t align, ctx.node().attr_int("align_corners", 0));
  if (align != 0 && align != 1) return ctx.error("align_corners must be 0 or 1, got {}", align);
  const DType dtype = ctx.input_dtype(0);
  const auto& x = ctx.input_shape(0);
  const auto& grid = ctx.input_shape(1);
  if (x && x->size() != 4) return ctx.error("X must have rank 4 ([N, C, H, W]), got {}", x->size());
  if (grid && grid->size() != 4) return ctx.error("grid must have rank 4 ([N, Hout, Wout, 2]), got {}", grid->size());
  if (!x || !grid) {
    ctx.set_output(0, dtype, std::nullopt);
    return Status::ok();
  }
  if ((*grid)[3].is_known() && (*grid)[3].value != 2) return ctx.error("grid's last dim must be 2, got {}", (*grid)[3].value);
  if ((*x)[0].is_known() && (*grid)[0].is_known() && (*x)[0].value != (*grid)[0].value)
    return ctx.error("X has batch {}, grid has {}", (*x)[0].value, (*grid)[0].value);
  const Dim batch = (*x)[0].is_known() ? (*x)[0] : (*grid)[0];
  Shape out = {batch, (*x)[1], (*grid)[1], (*grid)[2]};
  FOVEA_RETURN_IF_ERROR(check_output_size(ctx, out, dtype));
  ctx.set_output(0, dtype, std::move(out));
  return Status::ok();
}

}  // namespace fovea
