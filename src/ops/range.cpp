// Range: start, start + delta, ... up to (excluding) limit; all three are scalars of one dtype.
#include "ops/range.h"

#include <cmath>

#include "ops/known_inputs.h"
#include "ops/shape_functions.h"

namespace fovea {

Result<int64_t> range_count(const Tensor& start, const Tensor& limit, const Tensor& delta) {
  if (start.numel() != 1 || limit.numel() != 1 || delta.numel() != 1)
    return invalid_argument("start, limit and delta must be scalars");
  if (dtype_is_integer(start.dtype())) {
    const __int128 s = start.int_at(0), l = limit.int_at(0), d = delta.int_at(0);
    if (d == 0) return invalid_argument("delta is 0");
    const __int128 span = l - s;
    __int128 n = span / d + ((span % d != 0 && ((span > 0) == (d > 0))) ? 1 : 0);  // ceil
    if (n < 0) n = 0;
    if (n > (__int128{1} << 62)) return out_of_range("range of {} elements is too large", static_cast<double>(n));
    return static_cast<int64_t>(n);
  }
  const double s = start.double_at(0), l = limit.double_at(0), d = delta.double_at(0);
  if (d == 0) return invalid_argument("delta is 0");
  const double n = std::ceil((l - s) / d);
  if (!std::isfinite(n) && !std::isnan(n)) return out_of_range("range is infinite");
  if (std::isnan(n)) return invalid_argument("range of NaN length");
  if (n > 4.6e18) return out_of_range("range of {} elements is too large", n);
  return n > 0 ? static_cast<int64_t>(n) : int64_t{0};
}

Status infer_range(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(require_inputs(ctx, 3));
  const DType dtype = ctx.input_dtype(0);
  switch (dtype) {
    case DType::kFloat32: case DType::kFloat64: case DType::kInt16: case DType::kInt32: case DType::kInt64: break;
    default: return ctx.error("inputs must be float, double, int16, int32 or int64, got {}", dtype_name(dtype));
  }
  for (size_t i = 0; i < 3; ++i) {
    if (ctx.input_dtype(i) != dtype)
      return ctx.error("input {} has dtype {}, input 0 has {}", i, dtype_name(ctx.input_dtype(i)), dtype_name(dtype));
    const auto& s = ctx.input_shape(i);
    if (s && !(s->empty() || (s->size() == 1 && (*s)[0].is_known() && (*s)[0].value == 1)))
      return ctx.error("input {} must be a scalar, has shape {}", i, shape_to_string(*s));
  }
  const Tensor* start = ctx.input_value(0);
  const Tensor* limit = ctx.input_value(1);
  const Tensor* delta = ctx.input_value(2);
  if (!start || !limit || !delta) {
    // Range(0, n, 1) with n a symbolic dim (position ids) has n elements.
    auto sym_limit = ctx.input_symbolic_ints(1);
    const bool counts_to_limit = start && delta && dtype_is_integer(dtype) && start->numel() == 1 &&
                                 delta->numel() == 1 && start->int_at(0) == 0 && delta->int_at(0) == 1;
    if (counts_to_limit && sym_limit && sym_limit->size() == 1 && !(*sym_limit)[0].symbol.empty()) {
      ctx.set_output(0, dtype, Shape{Dim::symbolic((*sym_limit)[0].symbol)});
      return Status::ok();
    }
    ctx.set_output(0, dtype, Shape{Dim::unknown()});
    return Status::ok();
  }
  auto n = range_count(*start, *limit, *delta);
  if (!n.is_ok()) return n.status().with_context(ctx.node().describe());
  const Shape out{Dim::known(*n)};
  FOVEA_RETURN_IF_ERROR(check_output_size(ctx, out, dtype));
  ctx.set_output(0, dtype, out);
  return Status::ok();
}

}  // namespace fovea
