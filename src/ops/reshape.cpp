// Ops that only change the shape, never the data order: Reshape, Flatten, Squeeze, Unsqueeze.
// Their CPU kernels return views of the input.
#include <algorithm>
#include <limits>

#include "ops/known_inputs.h"
#include "ops/shape_functions.h"

namespace fovea {
namespace {

// Axes from the 'axes' attribute (before opset 13) or input 1 (from 13). nullopt: not known yet.
// `present` is false when the node gives no axes at all.
Result<std::optional<std::vector<int64_t>>> read_axes(const InferContext& ctx, bool& present) {
  if (ctx.opset() < 13) {
    present = ctx.node().has_attribute("axes");
    if (ctx.num_inputs() > 1) return ctx.error("takes one input before opset 13");
    if (!present) return std::optional<std::vector<int64_t>>{};
    FOVEA_ASSIGN_OR_RETURN(auto axes, ctx.node().attr_ints("axes"));
    return std::optional<std::vector<int64_t>>{std::move(axes)};
  }
  present = ctx.has_input(1);
  if (!present) return std::optional<std::vector<int64_t>>{};
  if (ctx.input_dtype(1) != DType::kInt64) return ctx.error("input 1 (axes) must be int64");
  return known_int_list(ctx, 1, "axes");
}

bool mul_overflows(int64_t a, int64_t b, int64_t& out) { return __builtin_mul_overflow(a, b, &out); }

}  // namespace

Status infer_reshape(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(require_inputs(ctx, 2));
  const DType dtype = ctx.input_dtype(0);
  if (!ctx.has_input(1)) return ctx.error("input 1 (shape) is required");
  if (ctx.input_dtype(1) != DType::kInt64) return ctx.error("input 1 (shape) must be int64");
  FOVEA_RETURN_IF_ERROR(check_int_list_input(ctx, 1, "shape"));
  FOVEA_ASSIGN_OR_RETURN(int64_t allowzero, ctx.node().attr_int("allowzero", 0));
  const auto& in = ctx.input_shape(0);
  // The target's elements: known values, or symbolic dims tracked through shape arithmetic.
  auto target = ctx.input_symbolic_ints(1);
  if (!target) {
    auto n = known_list_length(ctx, 1);
    if (!n) {
      ctx.set_output(0, dtype, std::nullopt);
    } else {
      if (*n > 64) return ctx.error("target rank {} is too large", *n);
      ctx.set_output(0, dtype, Shape(static_cast<size_t>(*n), Dim::unknown()));
    }
    return Status::ok();
  }
  Shape out;
  int64_t infer_at = -1;
  int64_t out_known = 1;                  // product of known output dims that are not copies
  std::vector<std::string> out_symbols;   // symbolic output dims that are not copies
  bool out_unknown = false;               // an output dim nobody knows
  std::vector<bool> copied(in ? in->size() : 0, false);  // input dims reproduced by a 0
  bool has_zero = false;
  for (size_t i = 0; i < target->size(); ++i) {
    const SymbolicInt& e = (*target)[i];
    if (!e.value) {
      if (e.symbol.empty()) { out.push_back(Dim::unknown()); out_unknown = true; }
      else { out.push_back(Dim::symbolic(e.symbol)); out_symbols.push_back(e.symbol); }
      continue;
    }
    const int64_t v = *e.value;
    if (v < -1) return ctx.error("shape has an invalid dim {}", v);
    if (v == -1) {
      if (infer_at >= 0) return ctx.error("shape has more than one -1");
      infer_at = static_cast<int64_t>(i);
      out.push_back(Dim::unknown());
      continue;
    }
    if (v == 0 && allowzero == 0) {
      if (!in) { out.push_back(Dim::unknown()); out_unknown = true; continue; }
      if (i >= in->size()) return ctx.error("shape dim {} is 0 (copy), but the input has rank {}", i, in->size());
      out.push_back((*in)[i]);
      copied[i] = true;  // the same dim on both sides: it cancels out of the size check
      continue;
    }
    if (v == 0) has_zero = true;
    out.push_back(Dim::known(v));
    if (mul_overflows(out_known, v, out_known)) return ctx.error("target shape overflows");
  }
  if (has_zero && infer_at >= 0) return ctx.error("shape has both -1 and 0 with allowzero");
  if (in && !out_unknown) {
    int64_t in_known = 1;
    bool in_unknown = false;
    for (size_t i = 0; i < in->size(); ++i) {
      const Dim& d = (*in)[i];
      if (copied[i]) continue;
      if (d.is_known()) {
        if (mul_overflows(in_known, d.value, in_known)) return ctx.error("input shape overflows");
        continue;
      }
      auto it = d.is_symbolic() ? std::find(out_symbols.begin(), out_symbols.end(), d.symbol) : out_symbols.end();
      if (it == out_symbols.end()) in_unknown = true;
      else out_symbols.erase(it);  // "batch" on both sides
    }
    if (!in_unknown && out_symbols.empty()) {
      if (infer_at >= 0) {
        if (out_known == 0) {
          if (in_known != 0)
            return ctx.error("cannot infer -1: the other dims are 0 but the input has {} elements", in_known);
          out[infer_at] = Dim::known(0);
        } else {
          if (in_known % out_known != 0)
            return ctx.error("cannot reshape {} to {}: sizes do not divide", shape_to_string(*in), shape_to_string(out));
          out[infer_at] = Dim::known(in_known / out_known);
        }
      } else if (in_known != out_known) {
        return ctx.error("cannot reshape {} to {}: element counts differ", shape_to_string(*in), shape_to_string(out));
      }
    }
  }
  ctx.set_output(0, dtype, std::move(out));
  return Status::ok();
}

Status infer_flatten(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(require_inputs(ctx, 1));
  const DType dtype = ctx.input_dtype(0);
  FOVEA_ASSIGN_OR_RETURN(int64_t axis, ctx.node().attr_int("axis", 1));
  const auto& in = ctx.input_shape(0);
  if (!in) {
    ctx.set_output(0, dtype, Shape{Dim::unknown(), Dim::unknown()});
    return Status::ok();
  }
  const int64_t rank = static_cast<int64_t>(in->size());
  if (axis < -rank || axis > rank) return ctx.error("axis {} is out of range for rank {}", axis, rank);
  if (axis < 0) axis += rank;
  ctx.set_output(0, dtype, Shape{dim_product(*in, 0, axis), dim_product(*in, axis, rank)});
  return Status::ok();
}

Status infer_squeeze(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(require_inputs(ctx, 1));
  const DType dtype = ctx.input_dtype(0);
  bool present = false;
  FOVEA_ASSIGN_OR_RETURN(auto axes, read_axes(ctx, present));
  const auto& in = ctx.input_shape(0);
  if (!in) {
    ctx.set_output(0, dtype, std::nullopt);
    return Status::ok();
  }
  const int64_t rank = static_cast<int64_t>(in->size());
  if (present && !axes) {
    auto n = known_list_length(ctx, 1);
    if (n && *n > 0 && *n <= rank) ctx.set_output(0, dtype, Shape(static_cast<size_t>(rank - *n), Dim::unknown()));
    else ctx.set_output(0, dtype, std::nullopt);
    return Status::ok();
  }
  Shape out;
  if (!present || axes->empty()) {  // no axes, or an empty list (as onnxruntime reads it): all 1s
    for (const Dim& d : *in) {
      if (!d.is_known()) {  // it might be 1: the rank is unknown
        ctx.set_output(0, dtype, std::nullopt);
        return Status::ok();
      }
      if (d.value != 1) out.push_back(d);
    }
  } else {
    FOVEA_ASSIGN_OR_RETURN(auto norm, normalize_axes(ctx, *axes, rank, "axes"));
    for (int64_t a : norm)
      if ((*in)[a].is_known() && (*in)[a].value != 1)
        return ctx.error("cannot squeeze axis {} of size {}", a, (*in)[a].value);
    for (int64_t i = 0; i < rank; ++i)
      if (std::find(norm.begin(), norm.end(), i) == norm.end()) out.push_back((*in)[i]);
  }
  ctx.set_output(0, dtype, std::move(out));
  return Status::ok();
}

Status infer_unsqueeze(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(require_inputs(ctx, 1));
  const DType dtype = ctx.input_dtype(0);
  bool present = false;
  FOVEA_ASSIGN_OR_RETURN(auto axes, read_axes(ctx, present));
  if (!present) return ctx.error("axes are required");
  const auto& in = ctx.input_shape(0);
  if (!in) {
    ctx.set_output(0, dtype, std::nullopt);
    return Status::ok();
  }
  const int64_t rank = static_cast<int64_t>(in->size());
  if (!axes) {
    auto n = known_list_length(ctx, 1);
    if (n && *n <= 64) ctx.set_output(0, dtype, Shape(static_cast<size_t>(rank + *n), Dim::unknown()));
    else ctx.set_output(0, dtype, std::nullopt);
    return Status::ok();
  }
  if (axes->size() > 64) return ctx.error("too many axes ({})", axes->size());
  const int64_t out_rank = rank + static_cast<int64_t>(axes->size());
  FOVEA_ASSIGN_OR_RETURN(auto norm, normalize_axes(ctx, *axes, out_rank, "axes"));
  Shape out;
  size_t next = 0;
  for (int64_t i = 0; i < out_rank; ++i) {
    if (std::find(norm.begin(), norm.end(), i) != norm.end()) out.push_back(Dim::known(1));
    else out.push_back((*in)[next++]);
  }
  ctx.set_output(0, dtype, std::move(out));
  return Status::ok();
}

}  // namespace fovea
