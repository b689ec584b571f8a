// GatherND: slices of data addressed by index tuples in the last dim of `indices`, after
// `batch_dims` leading dims shared by data and indices. Output shape:
// indices.shape[:-1] + data.shape[batch_dims + m:], m = indices.shape[-1].
#include "ops/known_inputs.h"
#include "ops/shape_functions.h"

namespace fovea {

Status infer_gather_nd(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(require_inputs(ctx, 2));
  const DType dtype = ctx.input_dtype(0);
  if (dtype == DType::kString) return ctx.unsupported_here("string tensors are not supported");
  if (ctx.input_dtype(1) != DType::kInt64 && ctx.input_dtype(1) != DType::kUndefined)
    return ctx.error("indices must be int64, got {}", dtype_name(ctx.input_dtype(1)));
  FOVEA_ASSIGN_OR_RETURN(const int64_t b, ctx.node().attr_int("batch_dims", 0));
  if (b < 0) return ctx.error("batch_dims must be >= 0, got {}", b);
  const auto& data = ctx.input_shape(0);
  const auto& indices = ctx.input_shape(1);
  if (!data || !indices) {
    ctx.set_output(0, dtype, std::nullopt);
    return Status::ok();
  }
  const int64_t r = static_cast<int64_t>(data->size()), q = static_cast<int64_t>(indices->size());
  if (r < 1 || q < 1) return ctx.error("data and indices must have rank >= 1 (got {} and {})", r, q);
  if (b >= std::min(r, q)) return ctx.error("batch_dims {} must be less than both ranks ({} and {})", b, r, q);
  for (int64_t d = 0; d < b; ++d) {
    const Dim& x = (*data)[d];
    const Dim& y = (*indices)[d];
    if (x.is_known() && y.is_known() && x.value != y.value)
      return ctx.error("batch dim {} differs: data {}, indices {}", d, x.value, y.value);
  }
  const Dim& md = indices->back();
  if (!md.is_known()) {
    ctx.set_output(0, dtype, std::nullopt);
    return Status::ok();
  }
  const int64_t m = md.value;
  if (m < 1 || m > r - b) return ctx.error("indices' last dim {} must be in [1, {}]", m, r - b);
  if (const Tensor* t = ctx.input_value(1)) {
    for (int64_t i = 0; i < t->numel(); ++i) {
      const Dim& d = (*data)[b + i % m];
      const int64_t v = t->int_at(i);
      if (d.is_known() && (v < -d.value || v >= d.value))
        return ctx.error("index {} is out of range for axis {} of size {}", v, b + i % m, d.value);
    }
  }
  Shape out(indices->begin(), indices->end() - 1);
  out.insert(out.end(), data->begin() + b + m, data->end());
  FOVEA_RETURN_IF_ERROR(check_output_size(ctx, out, dtype));
  ctx.set_output(0, dtype, std::move(out));
  return Status::ok();
}

}  // namespace fovea
