// Pad: constant / reflect / edge / wrap padding; pads as attribute before opset 11, as input 1
// after (with constant_value as input 2), optional axes input from opset 18.
#include "ops/pad.h"

#include <algorithm>

#include "ops/known_inputs.h"
#include "ops/shape_functions.h"

namespace fovea {

Result<PadMode> pad_mode(const Node& node) {
  FOVEA_ASSIGN_OR_RETURN(std::string mode, node.attr_string("mode", "constant"));
  if (mode == "constant") return PadMode::kConstant;
  if (mode == "reflect") return PadMode::kReflect;
  if (mode == "edge") return PadMode::kEdge;
  if (mode == "wrap") return PadMode::kWrap;
  return invalid_argument("{}: unknown mode '{}'", node.describe(), mode);
}

Result<std::vector<std::pair<int64_t, int64_t>>> pad_amounts(const Node& node, int64_t opset, int64_t rank,
                                                              const std::optional<std::vector<int64_t>>& pads_in,
                                                              const std::optional<std::vector<int64_t>>& axes_in) {
  std::vector<int64_t> pads;
  if (opset < 11) {
    if (!node.has_attribute("pads")) return invalid_argument("{}: attribute 'pads' is required", node.describe());
    FOVEA_ASSIGN_OR_RETURN(pads, node.attr_ints("pads"));
  } else {
    if (!pads_in) return invalid_argument("{}: input 'pads' is required", node.describe());
    pads = *pads_in;
  }
  std::vector<int64_t> axes;
  if (axes_in) {
    for (int64_t a : *axes_in) {
      if (a < -rank || a >= rank) return invalid_argument("{}: axis {} is out of range for rank {}", node.describe(), a, rank);
      const int64_t n = a < 0 ? a + rank : a;
      for (int64_t b : axes)
        if (b == n) return invalid_argument("{}: axis {} appears twice", node.describe(), n);
      axes.push_back(n);
    }
  } else {
    for (int64_t i = 0; i < rank; ++i) axes.push_back(i);
  }
  const size_t n = axes.size();
  if (pads.size() != 2 * n)
    return invalid_argument("{}: {} pads for {} axes (needs {})", node.describe(), pads.size(), n, 2 * n);
  std::vector<std::pair<int64_t, int64_t>> out(static_cast<size_t>(rank), {0, 0});
  for (size_t i = 0; i < n; ++i) {
    const int64_t lim = int64_t{1} << 40;
    if (pads[i] > lim || pads[i] < -lim || pads[i + n] > lim || pads[i + n] < -lim)
      return invalid_argument("{}: pad amount out of range", node.describe());
    out[axes[i]] = {pads[i], pads[i + n]};
  }
  return out;
}

Status infer_pad(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(require_inputs(ctx, 1));
  const DType dtype = ctx.input_dtype(0);
  FOVEA_ASSIGN_OR_RETURN(PadMode mode, pad_mode(ctx.node()));
  std::optional<std::vector<int64_t>> pads, axes;
  bool known = true;
  if (ctx.opset() >= 11) {
    if (!ctx.has_input(1)) return ctx.error("input 1 (pads) is required");
    if (ctx.input_dtype(1) != DType::kInt64) return ctx.error("input 1 (pads) must be int64");
    FOVEA_ASSIGN_OR_RETURN(pads, known_int_list(ctx, 1, "pads"));
    known &= pads.has_value();
    if (ctx.has_input(2)) {
      if (ctx.input_dtype(2) != dtype)
        return ctx.error("constant_value has dtype {}, data has {}", dtype_name(ctx.input_dtype(2)), dtype_name(dtype));
      const auto& s = ctx.input_shape(2);
      if (s && !(s->empty() || (s->size() == 1 && (*s)[0].is_known() && (*s)[0].value == 1)))
        return ctx.error("constant_value must be a scalar, has shape {}", shape_to_string(*s));
    }
    if (ctx.has_input(3)) {
      if (ctx.opset() < 18) return ctx.error("the axes input needs opset 18");
      FOVEA_ASSIGN_OR_RETURN(axes, known_int_list(ctx, 3, "axes"));
      known &= axes.has_value();
    }
  } else if (ctx.num_inputs() > 1) {
    return ctx.error("takes one input before opset 11");
  }
  const auto& in = ctx.input_shape(0);
  if (!in) {
    ctx.set_output(0, dtype, std::nullopt);
    return Status::ok();
  }
  const int64_t rank = static_cast<int64_t>(in->size());
  if (!known) {
    ctx.set_output(0, dtype, Shape(in->size(), Dim::unknown()));
    return Status::ok();
  }
  FOVEA_ASSIGN_OR_RETURN(auto amounts, pad_amounts(ctx.node(), ctx.opset(), rank, pads, axes));
  Shape out = *in;
  for (int64_t i = 0; i < rank; ++i) {
    const auto [b, e] = amounts[i];
    if (b == 0 && e == 0) continue;
    if (!out[i].is_known()) { out[i] = Dim::unknown(); continue; }
    const int64_t d = out[i].value;
    if (d > (int64_t{1} << 62)) return ctx.error("axis {} of size {} is too large", i, d);
    const int64_t o = d + b + e;  // |b|, |e| <= 2^40: no overflow
    if (o < 0) return ctx.error("pads {},{} shrink axis {} of size {} below 0", b, e, i, d);
    const int64_t kept = d + std::min<int64_t>(b, 0) + std::min<int64_t>(e, 0);  // after cropping
    if (kept < 0) return ctx.error("pads {},{} crop more than axis {} of size {}", b, e, i, d);
    if (mode != PadMode::kConstant && kept == 0 && o > 0)
      return ctx.error("cannot pad the empty axis {} in a non-constant mode", i);
    out[i] = Dim::known(o);
  }
  FOVEA_RETURN_IF_ERROR(check_output_size(ctx, out, dtype));
  ctx.set_output(0, dtype, std::move(out));
  return Status::ok();
}

}  // namespace fovea
