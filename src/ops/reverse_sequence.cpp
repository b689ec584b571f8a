// ReverseSequence: reverses the first sequence_lens[b] steps along time_axis of every batch
// entry b (batch_axis). The two axes are 0 and 1, in either order.
#include "ops/known_inputs.h"
#include "ops/shape_functions.h"

namespace fovea {

Status infer_reverse_sequence(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(require_inputs(ctx, 2));
  const DType dtype = ctx.input_dtype(0);
  if (dtype == DType::kString) return ctx.unsupported_here("string tensors are not supported");
  if (ctx.input_dtype(1) != DType::kInt64 && ctx.input_dtype(1) != DType::kUndefined)
    return ctx.error("sequence_lens must be int64, got {}", dtype_name(ctx.input_dtype(1)));
  FOVEA_ASSIGN_OR_RETURN(const int64_t batch_axis, ctx.node().attr_int("batch_axis", 1));
  FOVEA_ASSIGN_OR_RETURN(const int64_t time_axis, ctx.node().attr_int("time_axis", 0));
  if (!((batch_axis == 0 && time_axis == 1) || (batch_axis == 1 && time_axis == 0)))
    return ctx.error("batch_axis and time_axis must be 0 and 1 in some order, got {} and {}", batch_axis, time_axis);
  const auto& x = ctx.input_shape(0);
  const auto& lens = ctx.input_shape(1);
  if (x && x->size() < 2) return ctx.error("input must have rank >= 2, got {}", x->size());
  if (lens && lens->size() != 1) return ctx.error("sequence_lens must be 1-D, got rank {}", lens->size());
  if (x && lens) {
    const Dim& b = (*x)[batch_axis];
    const Dim& l = (*lens)[0];
    if (b.is_known() && l.is_known() && b.value != l.value)
      return ctx.error("sequence_lens has {} entries, the batch axis has {}", l.value, b.value);
    const Dim& t = (*x)[time_axis];
    if (const Tensor* v = ctx.input_value(1); v && t.is_known())
      for (int64_t i = 0; i < v->numel(); ++i)
        if (v->int_at(i) < 0 || v->int_at(i) > t.value)
          return ctx.error("sequence length {} is outside [0, {}]", v->int_at(i), t.value);
  }
  ctx.set_output(0, dtype, x);
  return Status::ok();
}

}  // namespace fovea
