#include "ops/known_inputs.h"

#include <algorithm>
#include <limits>

namespace fovea {

Status require_inputs(const InferContext& ctx, size_t count) {
  for (size_t i = 0; i < count; ++i)
    if (!ctx.has_input(i)) return ctx.error("required input {} is missing", i);
  return Status::ok();
}

Status check_int_list_input(const InferContext& ctx, size_t i, std::string_view what) {
  const DType dt = ctx.input_dtype(i);
  if (dt != DType::kInt64 && dt != DType::kInt32)
    return ctx.error("input {} ({}) must be int64 or int32, got {}", i, what, dtype_name(dt));
  const auto& shape = ctx.input_shape(i);
  if (shape && shape->size() > 1)
    return ctx.error("input {} ({}) must be 1-D, got shape {}", i, what, shape_to_string(*shape));
  return Status::ok();
}

Result<std::optional<std::vector<int64_t>>> known_int_list(const InferContext& ctx, size_t i, std::string_view what) {
  FOVEA_RETURN_IF_ERROR(check_int_list_input(ctx, i, what));
  const Tensor* t = ctx.input_value(i);
  if (!t) return std::optional<std::vector<int64_t>>{};
  if (t->rank() > 1) return ctx.error("input {} ({}) must be 1-D, got shape {}", i, what, dims_to_string(t->dims()));
  return std::optional<std::vector<int64_t>>{t->to_int64_vector()};
}

std::optional<int64_t> known_list_length(const InferContext& ctx, size_t i) {
  if (const Tensor* t = ctx.input_value(i)) return t->numel();
  const auto& shape = ctx.input_shape(i);
  if (!shape) return std::nullopt;
  if (shape->empty()) return 1;
  if (shape->size() == 1 && (*shape)[0].is_known()) return (*shape)[0].value;
  return std::nullopt;
}

Result<std::vector<int64_t>> normalize_axes(const InferContext& ctx, const std::vector<int64_t>& axes, int64_t rank,
                                            std::string_view what) {
  std::vector<int64_t> out;
  out.reserve(axes.size());
  for (int64_t a : axes) {
    if (a < -rank || a >= rank) return ctx.error("{} value {} is out of range for rank {}", what, a, rank);
    const int64_t n = a < 0 ? a + rank : a;
    if (std::find(out.begin(), out.end(), n) != out.end()) return ctx.error("{} repeat axis {}", what, n);
    out.push_back(n);
  }
  return out;
}

Dim dim_product(const Shape& shape, size_t begin, size_t end) {
  int64_t p = 1;
  bool zero = false;
  bool unknown = false;
  const Dim* only_symbol = nullptr;  // the single symbolic dim, when there is exactly one
  int symbols = 0;
  for (size_t i = begin; i < end && i < shape.size(); ++i) {
    if (!shape[i].is_known()) {
      unknown = true;
      if (shape[i].is_symbolic()) only_symbol = &shape[i];
      ++symbols;
      continue;
    }
    if (shape[i].value == 0) zero = true;
    else if (p > std::numeric_limits<int64_t>::max() / shape[i].value) unknown = true;  // reported by size checks
    else p *= shape[i].value;
  }
  if (zero) return Dim::known(0);
  if (unknown && symbols == 1 && only_symbol && p == 1) return *only_symbol;  // [batch] x 1 x 1 = batch
  if (unknown) return Dim::unknown();
  return Dim::known(p);
}

Status check_output_size(const InferContext& ctx, const Shape& shape, DType dtype) {
  if (!shape_is_static(shape)) return Status::ok();
  // Element count against the byte limit divided by the element size, so nothing overflows
  // (checked_element_count multiplies count by size, which can wrap for counts near 2^61).
  const uint64_t limit = max_tensor_bytes() / std::max<size_t>(dtype_size(dtype), 1);
  uint64_t count = 1;
  for (const Dim& d : shape)
    if (d.value == 0) return Status::ok();
  for (const Dim& d : shape) {
    if (static_cast<uint64_t>(d.value) > limit || count > limit / static_cast<uint64_t>(d.value))
      return out_of_range("{}: output shape {} needs more than the {} byte tensor limit (FOVEA_MAX_TENSOR_BYTES)",
                          ctx.node().describe(), shape_to_string(shape), max_tensor_bytes());
    count *= static_cast<uint64_t>(d.value);
  }
  return Status::ok();
}

}  // namespace fovea
