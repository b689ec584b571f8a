// Slice: starts/ends/axes as attributes before opset 10, as inputs 1..4 (with steps) after.
#include "ops/slice.h"

#include <algorithm>
#include <limits>

#include "ops/known_inputs.h"
#include "ops/shape_functions.h"

namespace fovea {

Result<SliceSpec> make_slice_spec(const Node& node, int64_t opset, int64_t rank,
                                  std::optional<std::vector<int64_t>> starts, std::optional<std::vector<int64_t>> ends,
                                  std::optional<std::vector<int64_t>> axes, std::optional<std::vector<int64_t>> steps) {
  SliceSpec spec;
  if (opset < 10) {
    FOVEA_ASSIGN_OR_RETURN(spec.starts, node.attr_ints("starts"));
    FOVEA_ASSIGN_OR_RETURN(spec.ends, node.attr_ints("ends"));
    if (!node.has_attribute("starts") || !node.has_attribute("ends"))
      return invalid_argument("{}: attributes 'starts' and 'ends' are required", node.describe());
    if (node.has_attribute("axes")) {
      FOVEA_ASSIGN_OR_RETURN(auto a, node.attr_ints("axes"));
      axes = std::move(a);
    }
    steps.reset();
  } else {
    if (!starts || !ends) return invalid_argument("{}: inputs 'starts' and 'ends' are required", node.describe());
    spec.starts = std::move(*starts);
    spec.ends = std::move(*ends);
  }
  const size_t n = spec.starts.size();
  if (spec.ends.size() != n)
    return invalid_argument("{}: {} starts but {} ends", node.describe(), n, spec.ends.size());
  if (axes) {
    if (axes->size() != n) return invalid_argument("{}: {} starts but {} axes", node.describe(), n, axes->size());
    for (int64_t a : *axes) {
      if (a < -rank || a >= rank)
        return invalid_argument("{}: axis {} is out of range for rank {}", node.describe(), a, rank);
      const int64_t na = a < 0 ? a + rank : a;
      if (std::find(spec.axes.begin(), spec.axes.end(), na) != spec.axes.end())
        return invalid_argument("{}: axis {} appears twice", node.describe(), na);
      spec.axes.push_back(na);
    }
  } else {
    if (static_cast<int64_t>(n) > rank)
      return invalid_argument("{}: {} starts for rank {}", node.describe(), n, rank);
    for (size_t i = 0; i < n; ++i) spec.axes.push_back(static_cast<int64_t>(i));
  }
  if (steps) {
    if (steps->size() != n) return invalid_argument("{}: {} starts but {} steps", node.describe(), n, steps->size());
    for (int64_t s : *steps)
      if (s == 0) return invalid_argument("{}: a step is 0", node.describe());
    spec.steps = std::move(*steps);
  } else {
    spec.steps.assign(n, 1);
  }
  return spec;
}

SliceRange resolve_slice_axis(int64_t start, int64_t end, int64_t step, int64_t dim) {
  if (start < 0) start += dim;  // cannot overflow: start < 0 <= dim
  if (end < 0) end += dim;
  SliceRange r;
  r.step = step;
  if (step > 0) {
    start = std::clamp<int64_t>(start, 0, dim);
    end = std::clamp<int64_t>(end, 0, dim);
    r.count = end > start ? (end - start - 1) / step + 1 : 0;  // ceil without overflow for huge steps
  } else {
    start = std::clamp<int64_t>(start, -1, dim - 1);
    end = std::clamp<int64_t>(end, -1, dim - 1);
    // step may be INT64_MIN: count from the distance without negating it.
    const uint64_t dist = start > end ? static_cast<uint64_t>(start - end) : 0;
    const uint64_t mag = step == std::numeric_limits<int64_t>::min() ? uint64_t{1} << 63 : static_cast<uint64_t>(-step);
    r.count = static_cast<int64_t>((dist + mag - 1) / mag);
  }
  r.start = r.count > 0 ? start : 0;
  return r;
}

Status infer_slice(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(require_inputs(ctx, 1));
  const DType dtype = ctx.input_dtype(0);
  std::optional<std::vector<int64_t>> starts, ends, axes, steps;
  bool values_known = true;
  if (ctx.opset() >= 10) {
    const char* names[] = {"starts", "ends", "axes", "steps"};
    std::optional<std::vector<int64_t>>* slots[] = {&starts, &ends, &axes, &steps};
    for (size_t i = 1; i <= 4; ++i) {
      if (!ctx.has_input(i)) {
        if (i <= 2) return ctx.error("input '{}' is required", names[i - 1]);
        continue;
      }
      FOVEA_ASSIGN_OR_RETURN(*slots[i - 1], known_int_list(ctx, i, names[i - 1]));
      if (!*slots[i - 1]) values_known = false;
    }
  } else if (ctx.num_inputs() > 1) {
    return ctx.error("takes one input before opset 10");
  }
  const auto& in = ctx.input_shape(0);
  if (!in) {
    ctx.set_output(0, dtype, std::nullopt);
    return Status::ok();
  }
  const int64_t rank = static_cast<int64_t>(in->size());
  if (!values_known) {
    // Which axes are sliced is unknown unless the axes are known; only the rank is certain.
    Shape out = *in;
    if (axes) {
      FOVEA_ASSIGN_OR_RETURN(auto norm, normalize_axes(ctx, *axes, rank, "axes"));
      for (int64_t a : norm) out[a] = Dim::unknown();
    } else {
      for (auto& d : out) d = Dim::unknown();
    }
    ctx.set_output(0, dtype, std::move(out));
    return Status::ok();
  }
  FOVEA_ASSIGN_OR_RETURN(SliceSpec spec, make_slice_spec(ctx.node(), ctx.opset(), rank, starts, ends, axes, steps));
  Shape out = *in;
  for (size_t i = 0; i < spec.axes.size(); ++i) {
    const Dim& d = (*in)[spec.axes[i]];
    if (!d.is_known()) {
      // x[0:INT_MAX] and x[-1:INT_MIN:-1] keep the whole axis, e.g. a symbolic batch.
      const int64_t s = spec.starts[i], e = spec.ends[i], st = spec.steps[i];
      const bool whole = (st == 1 && s == 0 && e >= std::numeric_limits<int32_t>::max()) ||
                         (st == -1 && s == -1 && e <= std::numeric_limits<int32_t>::min());
      if (!whole) out[spec.axes[i]] = Dim::unknown();
      continue;
    }
    out[spec.axes[i]] = Dim::known(resolve_slice_axis(spec.starts[i], spec.ends[i], spec.steps[i], d.value).count);
  }
  ctx.set_output(0, dtype, std::move(out));
  return Status::ok();
}

}  // namespace fovea
