#include "ops/reduce_axes.h"

namespace fovea {

bool reduce_axes_from_input(std::string_view op_type, int64_t opset) {
  return op_type == "ReduceSum" ? opset >= 13 : opset >= 18;
}

static Result<ReduceAxes> axes_from_list(const Node& node, const std::vector<int64_t>& axes, int64_t rank,
                                         bool keepdims, bool noop_with_empty_axes) {
  ReduceAxes r;
  r.keepdims = keepdims;
  r.reduced.assign(static_cast<size_t>(rank), axes.empty());
  if (axes.empty()) {
    r.identity = noop_with_empty_axes;
    if (r.identity) r.reduced.assign(static_cast<size_t>(rank), false);
    return r;
  }
  std::fill(r.reduced.begin(), r.reduced.end(), false);
  for (int64_t a : axes) {
    FOVEA_ASSIGN_OR_RETURN(int64_t axis, normalize_axis(a, rank, node.describe() + " axes"));
    if (r.reduced[axis]) return invalid_argument("{}: axis {} appears twice in axes", node.describe(), a);
    r.reduced[axis] = true;
  }
  return r;
}

Result<std::optional<ReduceAxes>> resolve_reduce_axes(const Node& node, int64_t opset, int64_t rank,
                                                      bool axes_input_present, const Tensor* axes_input) {
  FOVEA_ASSIGN_OR_RETURN(int64_t keepdims, node.attr_int("keepdims", 1));
  if (keepdims != 0 && keepdims != 1)
    return invalid_argument("{}: keepdims must be 0 or 1, got {}", node.describe(), keepdims);
  const bool from_input = reduce_axes_from_input(node.op_type, opset);
  if (!from_input) {
    if (axes_input_present)
      return invalid_argument("{}: axes is an attribute at opset {}, not an input", node.describe(), opset);
    FOVEA_ASSIGN_OR_RETURN(std::vector<int64_t> axes, node.attr_ints("axes"));
    FOVEA_ASSIGN_OR_RETURN(auto r, axes_from_list(node, axes, rank, keepdims == 1, false));
    return std::optional<ReduceAxes>(std::move(r));
  }
  if (node.has_attribute("axes"))
    return invalid_argument("{}: axes is an input at opset {}, not an attribute", node.describe(), opset);
  FOVEA_ASSIGN_OR_RETURN(int64_t noop, node.attr_int("noop_with_empty_axes", 0));
  if (noop != 0 && noop != 1)
    return invalid_argument("{}: noop_with_empty_axes must be 0 or 1, got {}", node.describe(), noop);
  std::vector<int64_t> axes;
  if (axes_input_present) {
    if (!axes_input) return std::optional<ReduceAxes>();
    if (axes_input->dtype() != DType::kInt64)
      return invalid_argument("{}: axes input must be int64, got {}", node.describe(), dtype_name(axes_input->dtype()));
    if (axes_input->rank() > 1)
      return invalid_argument("{}: axes input must be 1-D, got rank {}", node.describe(), axes_input->rank());
    axes = axes_input->to_int64_vector();
  }
  FOVEA_ASSIGN_OR_RETURN(auto r, axes_from_list(node, axes, rank, keepdims == 1, noop == 1));
  return std::optional<ReduceAxes>(std::move(r));
}

Result<ReduceAxes> resolve_arg_reduce_axis(const Node& node, int64_t rank) {
  FOVEA_ASSIGN_OR_RETURN(int64_t keepdims, node.attr_int("keepdims", 1));
  FOVEA_ASSIGN_OR_RETURN(int64_t axis, node.attr_int("axis", 0));
  FOVEA_ASSIGN_OR_RETURN(int64_t last, node.attr_int("select_last_index", 0));
  if (keepdims != 0 && keepdims != 1)
    return invalid_argument("{}: keepdims must be 0 or 1, got {}", node.describe(), keepdims);
  if (last != 0 && last != 1)
    return invalid_argument("{}: select_last_index must be 0 or 1, got {}", node.describe(), last);
  if (rank == 0) return invalid_argument("{}: input must have rank >= 1", node.describe());
  return axes_from_list(node, {axis}, rank, keepdims == 1, false);
}

Shape reduced_shape(const Shape& input, const ReduceAxes& axes) {
  Shape out;
  for (size_t d = 0; d < input.size(); ++d) {
    if (!axes.reduced[d]) out.push_back(input[d]);
    else if (axes.keepdims) out.push_back(Dim::known(1));
  }
  return out;
}

Dims reduced_dims(const Dims& input, const ReduceAxes& axes) {
  Dims out;
  for (size_t d = 0; d < input.size(); ++d) {
    if (!axes.reduced[d]) out.push_back(input[d]);
    else if (axes.keepdims) out.push_back(1);
  }
  return out;
}

}  // namespace fovea
