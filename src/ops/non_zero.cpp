// NonZero: indices of non-zero elements, int64 [rank, count]. The count depends on the data, so
// it is unknown at build time unless the input is a constant.
#include "ops/non_zero.h"

#include "ops/known_inputs.h"
#include "ops/shape_functions.h"

namespace fovea {

namespace {

template <typename T>
bool is_nonzero(T v) {
  if constexpr (std::is_same_v<T, Half>) return (v.bits & 0x7fff) != 0;
  else return v != T{};
}

}  // namespace

Result<std::vector<int64_t>> nonzero_flat_indices(const Tensor& t) {
  std::vector<int64_t> idx;
  if (t.dtype() == DType::kBFloat16) {
    for (int64_t i = 0; i < t.numel(); ++i)
      if (t.data<uint16_t>()[i] & 0x7fff) idx.push_back(i);
    return idx;
  }
  FOVEA_SWITCH_ALL(t.dtype(), T, {
    const T* p = t.data<T>();
    for (int64_t i = 0; i < t.numel(); ++i)
      if (is_nonzero(p[i])) idx.push_back(i);
    return idx;
  });
  return unsupported("NonZero on dtype {}", dtype_name(t.dtype()));
}

Status infer_non_zero(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(require_inputs(ctx, 1));
  const auto& in = ctx.input_shape(0);
  const Dim rows = in ? Dim::known(std::max<int64_t>(1, static_cast<int64_t>(in->size()))) : Dim::unknown();
  if (dtype_size(ctx.input_dtype(0)) == 0) return ctx.unsupported_here("input dtype {}", dtype_name(ctx.input_dtype(0)));
  if (const Tensor* t = ctx.input_value(0)) {
    auto idx = nonzero_flat_indices(*t);
    if (!idx.is_ok()) return idx.status().with_context(ctx.node().describe());
    ctx.set_output(0, DType::kInt64, Shape{rows, Dim::known(static_cast<int64_t>(idx->size()))});
  } else {
    ctx.set_output(0, DType::kInt64, Shape{rows, Dim::unknown()});
  }
  return Status::ok();
}

}  // namespace fovea
