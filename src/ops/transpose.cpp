// Transpose: output dim i is input dim perm[i]; perm defaults to reversing the dims.
#include "ops/known_inputs.h"
#include "ops/shape_functions.h"

namespace fovea {

Status infer_transpose(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(require_inputs(ctx, 1));
  const DType dtype = ctx.input_dtype(0);
  const bool has_perm = ctx.node().has_attribute("perm");
  FOVEA_ASSIGN_OR_RETURN(std::vector<int64_t> perm, ctx.node().attr_ints("perm"));
  const auto& in = ctx.input_shape(0);
  if (!in) {
    if (has_perm) ctx.set_output(0, dtype, Shape(perm.size(), Dim::unknown()));
    else ctx.set_output(0, dtype, std::nullopt);
    return Status::ok();
  }
  const size_t rank = in->size();
  if (!has_perm)
    for (size_t i = 0; i < rank; ++i) perm.push_back(static_cast<int64_t>(rank - 1 - i));
  if (perm.size() != rank) return ctx.error("perm has {} entries for rank {}", perm.size(), rank);
  std::vector<bool> seen(rank, false);
  Shape out;
  for (int64_t p : perm) {
    if (p < 0 || p >= static_cast<int64_t>(rank) || seen[p])
      return ctx.error("perm {} is not a permutation of 0..{}", dims_to_string(perm), rank - 1);
    seen[p] = true;
    out.push_back((*in)[p]);
  }
  ctx.set_output(0, dtype, std::move(out));
  return Status::ok();
}

}  // namespace fovea
