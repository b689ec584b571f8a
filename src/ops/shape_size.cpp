// Shape (the input's dims as int64, optionally a [start, end) range from opset 15) and Size (the
// element count). Both are computed here when the dims involved are known, so shape arithmetic
// downstream folds to constants at build time.
#include <algorithm>

#include "ops/known_inputs.h"
#include "ops/shape_functions.h"

namespace fovea {
namespace {

// [start, end) of the dims Shape reports, clamped to [0, rank].
Result<std::pair<int64_t, int64_t>> shape_range(const InferContext& ctx, int64_t rank) {
  int64_t start = 0;
  int64_t end = rank;
  if (ctx.opset() >= 15) {
    FOVEA_ASSIGN_OR_RETURN(start, ctx.node().attr_int("start", 0));
    FOVEA_ASSIGN_OR_RETURN(end, ctx.node().attr_int("end", rank));
  }
  if (start < 0) start += rank;
  if (end < 0) end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, 0, rank);
  return std::pair<int64_t, int64_t>{start, std::max(start, end)};
}

}  // namespace

Status infer_shape(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(require_inputs(ctx, 1));
  const auto& in = ctx.input_shape(0);
  if (!in) {
    ctx.set_output(0, DType::kInt64, Shape{Dim::unknown()});
    return Status::ok();
  }
  FOVEA_ASSIGN_OR_RETURN(auto range, shape_range(ctx, static_cast<int64_t>(in->size())));
  const auto [start, end] = range;
  std::vector<int64_t> dims;
  bool known = true;
  for (int64_t i = start; i < end; ++i) {
    known &= (*in)[i].is_known();
    dims.push_back((*in)[i].value);
  }
  if (known) {
    const int64_t n = static_cast<int64_t>(dims.size());
    ctx.set_output_value(0, Tensor::from_vector<int64_t>(dims, {n}));
  } else {
    ctx.set_output(0, DType::kInt64, Shape{Dim::known(end - start)});
  }
  return Status::ok();
}

Status infer_size(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(require_inputs(ctx, 1));
  const auto& in = ctx.input_shape(0);
  if (in && shape_is_static(*in)) {
    Dims dims;
    for (const Dim& d : *in) dims.push_back(d.value);
    auto n = checked_element_count(dims, 1);
    if (!n.is_ok()) return n.status().with_context(ctx.node().describe());
    ctx.set_output_value(0, Tensor::scalar<int64_t>(*n));
  } else {
    ctx.set_output(0, DType::kInt64, Shape{});
  }
  return Status::ok();
}

}  // namespace fovea
