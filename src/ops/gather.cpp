// Gather (take slices along an axis by index) and GatherElements (take single elements along an
// axis, indices shaped like the output). Out-of-range indices are errors.
#include "ops/known_inputs.h"
#include "ops/shape_functions.h"

namespace fovea {
namespace {

Status check_index_dtype(const InferContext& ctx, size_t i) {
  const DType dt = ctx.input_dtype(i);
  if (dt != DType::kInt64 && dt != DType::kInt32)
    return ctx.error("indices must be int64 or int32, got {}", dtype_name(dt));
  return Status::ok();
}

// Checks known index values against the axis size `dim`.
Status check_index_values(const InferContext& ctx, size_t i, const Dim& dim) {
  const Tensor* t = ctx.input_value(i);
  if (!t || !dim.is_known()) return Status::ok();
  for (int64_t k = 0; k < t->numel(); ++k) {
    const int64_t v = t->int_at(k);
    if (v < -dim.value || v >= dim.value)
      return ctx.error("index {} is out of range for an axis of size {}", v, dim.value);
  }
  return Status::ok();
}

}  // namespace

Status infer_gather(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(require_inputs(ctx, 2));
  const DType dtype = ctx.input_dtype(0);
  FOVEA_RETURN_IF_ERROR(check_index_dtype(ctx, 1));
  FOVEA_ASSIGN_OR_RETURN(int64_t axis_attr, ctx.node().attr_int("axis", 0));
  const auto& data = ctx.input_shape(0);
  const auto& indices = ctx.input_shape(1);
  if (!data || !indices) {
    ctx.set_output(0, dtype, std::nullopt);
    return Status::ok();
  }
  const int64_t rank = static_cast<int64_t>(data->size());
  if (rank == 0) return ctx.error("data must have rank >= 1");
  FOVEA_ASSIGN_OR_RETURN(int64_t axis, normalize_axis(axis_attr, rank, ctx.node().describe()));
  FOVEA_RETURN_IF_ERROR(check_index_values(ctx, 1, (*data)[axis]));
  Shape out(data->begin(), data->begin() + axis);
  out.insert(out.end(), indices->begin(), indices->end());
  out.insert(out.end(), data->begin() + axis + 1, data->end());
  FOVEA_RETURN_IF_ERROR(check_output_size(ctx, out, dtype));
  ctx.set_output(0, dtype, std::move(out));
  return Status::ok();
}

Status infer_gather_elements(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(require_inputs(ctx, 2));
  const DType dtype = ctx.input_dtype(0);
  FOVEA_RETURN_IF_ERROR(check_index_dtype(ctx, 1));
  FOVEA_ASSIGN_OR_RETURN(int64_t axis_attr, ctx.node().attr_int("axis", 0));
  const auto& data = ctx.input_shape(0);
  const auto& indices = ctx.input_shape(1);
  if (!data || !indices) {
    ctx.set_output(0, dtype, indices);
    return Status::ok();
  }
  const int64_t rank = static_cast<int64_t>(data->size());
  if (rank == 0) return ctx.error("data must have rank >= 1");
  if (static_cast<int64_t>(indices->size()) != rank)
    return ctx.error("indices have rank {}, data has rank {}", indices->size(), rank);
  FOVEA_ASSIGN_OR_RETURN(int64_t axis, normalize_axis(axis_attr, rank, ctx.node().describe()));
  for (int64_t d = 0; d < rank; ++d) {
    const Dim& a = (*data)[d];
    const Dim& b = (*indices)[d];
    if (d != axis && a.is_known() && b.is_known() && b.value > a.value)
      return ctx.error("indices shape {} exceeds data shape {} on axis {}", shape_to_string(*indices),
                       shape_to_string(*data), d);
  }
  FOVEA_RETURN_IF_ERROR(check_index_values(ctx, 1, (*data)[axis]));
  ctx.set_output(0, dtype, *indices);
  return Status::ok();
}

}  // namespace fovea
