// ScatterND: a copy of data with slices at index tuples replaced (or combined, by `reduction`)
// with updates. updates.shape must be indices.shape[:-1] + data.shape[indices.shape[-1]:].
#include "ops/known_inputs.h"
#include "ops/shape_functions.h"

namespace fovea {

Status infer_scatter_nd(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(require_inputs(ctx, 3));
  const DType dtype = ctx.input_dtype(0);
  if (ctx.input_dtype(1) != DType::kInt64 && ctx.input_dtype(1) != DType::kInt32)
    return ctx.error("indices must be int64, got {}", dtype_name(ctx.input_dtype(1)));
  if (ctx.input_dtype(2) != dtype)
    return ctx.error("updates have dtype {}, data has {}", dtype_name(ctx.input_dtype(2)), dtype_name(dtype));
  FOVEA_ASSIGN_OR_RETURN(std::string reduction, ctx.node().attr_string("reduction", "none"));
  if (reduction != "none" && reduction != "add" && reduction != "mul" && reduction != "max" && reduction != "min")
    return ctx.error("unknown reduction '{}'", reduction);
  if (reduction != "none" && (dtype == DType::kString || dtype == DType::kBFloat16))
    return ctx.unsupported_here("reduction '{}' on {}", reduction, dtype_name(dtype));
  const auto& data = ctx.input_shape(0);
  const auto& indices = ctx.input_shape(1);
  const auto& updates = ctx.input_shape(2);
  if (data && indices && updates) {
    if (indices->empty()) return ctx.error("indices must have rank >= 1");
    const Dim& kd = indices->back();
    if (kd.is_known()) {
      const int64_t k = kd.value;
      const int64_t r = static_cast<int64_t>(data->size());
      if (k < 1 || k > r) return ctx.error("indices' last dim {} must be in [1, {}]", k, r);
      Shape expected(indices->begin(), indices->end() - 1);
      expected.insert(expected.end(), data->begin() + k, data->end());
      bool ok = expected.size() == updates->size();
      for (size_t i = 0; ok && i < expected.size(); ++i)
        if (expected[i].is_known() && (*updates)[i].is_known() && expected[i].value != (*updates)[i].value) ok = false;
      if (!ok)
        return ctx.error("updates have shape {}, expected {}", shape_to_string(*updates), shape_to_string(expected));
      if (const Tensor* t = ctx.input_value(1)) {
        const int64_t tuples = k == 0 ? 0 : t->numel() / k;
        for (int64_t i = 0; i < tuples; ++i)
          for (int64_t j = 0; j < k; ++j) {
            const Dim& d = (*data)[j];
            const int64_t v = t->int_at(i * k + j);
            if (d.is_known() && (v < -d.value || v >= d.value))
              return ctx.error("index {} is out of range for axis {} of size {}", v, j, d.value);
          }
      }
    }
  }
  ctx.set_output(0, dtype, data);
  return Status::ok();
}

}  // namespace fovea
