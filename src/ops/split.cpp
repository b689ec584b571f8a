// Split: one input cut along `axis` into the node's outputs, by explicit sizes ('split' attribute
// before opset 13, input after) or into equal chunks (from opset 18 the last one may be smaller).
#include "ops/split.h"

#include "ops/known_inputs.h"
#include "ops/shape_functions.h"

namespace fovea {

Result<std::vector<int64_t>> split_sizes(const Node& node, int64_t opset, bool split_input_present,
                                         const std::optional<std::vector<int64_t>>& split_input, int64_t dim) {
  const int64_t n = static_cast<int64_t>(node.outputs.size());
  if (n == 0) return invalid_argument("{}: has no outputs", node.describe());
  std::optional<std::vector<int64_t>> split;
  if (opset >= 18 && split_input_present && node.has_attribute("num_outputs"))
    return invalid_argument("{}: give either the 'split' input or 'num_outputs', not both", node.describe());
  if (opset < 13 && node.has_attribute("split")) {
    FOVEA_ASSIGN_OR_RETURN(auto s, node.attr_ints("split"));
    split = std::move(s);
  } else if (split_input_present) {
    if (!split_input) return std::vector<int64_t>(static_cast<size_t>(n), -1);  // sizes known later
    split = split_input;
  }
  if (split) {
    if (static_cast<int64_t>(split->size()) != n)
      return invalid_argument("{}: 'split' has {} sizes for {} outputs", node.describe(), split->size(), n);
    int64_t sum = 0;
    for (int64_t s : *split) {
      if (s < 0) return invalid_argument("{}: 'split' has a negative size {}", node.describe(), s);
      if (s > (int64_t{1} << 62)) return invalid_argument("{}: 'split' size {} is too large", node.describe(), s);
      if (__builtin_add_overflow(sum, s, &sum)) return invalid_argument("{}: 'split' sizes overflow", node.describe());
    }
    if (dim >= 0 && sum != dim)
      return invalid_argument("{}: 'split' sizes sum to {}, but the axis has {} elements", node.describe(), sum, dim);
    return *split;
  }
  if (opset >= 18 && node.has_attribute("num_outputs")) {
    FOVEA_ASSIGN_OR_RETURN(int64_t num, node.attr_int("num_outputs", n));
    if (num != n)
      return invalid_argument("{}: num_outputs is {} but the node has {} outputs", node.describe(), num, n);
  }
  if (dim < 0) return std::vector<int64_t>(static_cast<size_t>(n), -1);
  std::vector<int64_t> sizes(static_cast<size_t>(n));
  if (opset >= 18) {
    const int64_t chunk = (dim + n - 1) / n;
    const int64_t last = dim - chunk * (n - 1);
    if (last < 0)
      return invalid_argument("{}: cannot split {} elements into {} chunks of {}", node.describe(), dim, n, chunk);
    for (auto& s : sizes) s = chunk;
    sizes.back() = last;
  } else {
    if (dim % n != 0)
      return invalid_argument("{}: cannot split {} elements into {} equal parts", node.describe(), dim, n);
    for (auto& s : sizes) s = dim / n;
  }
  return sizes;
}

Status infer_split(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(require_inputs(ctx, 1));
  FOVEA_ASSIGN_OR_RETURN(int64_t axis_attr, ctx.node().attr_int("axis", 0));
  const DType dtype = ctx.input_dtype(0);
  const bool split_present = ctx.opset() >= 13 && ctx.has_input(1);
  std::optional<std::vector<int64_t>> split_values;
  if (split_present) {
    FOVEA_ASSIGN_OR_RETURN(split_values, known_int_list(ctx, 1, "split"));
  }
  const auto& in = ctx.input_shape(0);
  if (!in) {
    FOVEA_ASSIGN_OR_RETURN(auto sizes, split_sizes(ctx.node(), ctx.opset(), split_present, split_values, -1));
    for (size_t i = 0; i < ctx.num_outputs(); ++i) ctx.set_output(i, dtype, std::nullopt);
    return Status::ok();
  }
  const int64_t rank = static_cast<int64_t>(in->size());
  if (rank == 0) return ctx.error("cannot split a scalar");
  FOVEA_ASSIGN_OR_RETURN(int64_t axis, normalize_axis(axis_attr, rank, ctx.node().describe()));
  const Dim& d = (*in)[axis];
  FOVEA_ASSIGN_OR_RETURN(auto sizes,
                         split_sizes(ctx.node(), ctx.opset(), split_present, split_values, d.is_known() ? d.value : -1));
  for (size_t i = 0; i < ctx.num_outputs(); ++i) {
    Shape s = *in;
    s[axis] = sizes[i] >= 0 ? Dim::known(sizes[i]) : Dim::unknown();
    ctx.set_output(i, dtype, std::move(s));
  }
  return Status::ok();
}

}  // namespace fovea
