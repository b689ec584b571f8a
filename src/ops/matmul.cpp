// Shape functions of MatMul (numpy semantics, batched broadcasting, 1-D operands) and Gemm.
#include "ops/broadcast.h"
#include "ops/shape_functions.h"

namespace fovea {
namespace {

bool matmul_dtype_ok(DType t) {
  return t == DType::kFloat32 || t == DType::kFloat64 || t == DType::kFloat16 || t == DType::kInt32 || t == DType::kInt64 ||
         t == DType::kUInt32 || t == DType::kUInt64;
}

Status check_same_dtypes(InferContext& ctx) {
  const DType t = ctx.input_dtype(0);
  if (!matmul_dtype_ok(t)) return ctx.unsupported_here("dtype {} is not supported", dtype_name(t));
  for (size_t i = 1; i < ctx.num_inputs(); ++i)
    if (ctx.has_input(i) && ctx.input_dtype(i) != t)
      return ctx.error("input {} has dtype {}, input 0 has {}", i, dtype_name(ctx.input_dtype(i)), dtype_name(t));
  return Status::ok();
}

// Two dims that must be equal (contraction dims): an error when both are known and differ.
Status check_equal(InferContext& ctx, const Dim& a, const Dim& b, const char* what) {
  if (a.is_known() && b.is_known() && a.value != b.value)
    return ctx.error("{}: {} vs {}", what, a.value, b.value);
  return Status::ok();
}

}  // namespace

Status infer_mat_mul(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(check_same_dtypes(ctx));
  const DType t = ctx.input_dtype(0);
  const auto& as = ctx.input_shape(0);
  const auto& bs = ctx.input_shape(1);
  if (as && as->empty()) return ctx.error("input A must have rank >= 1 (is a scalar)");
  if (bs && bs->empty()) return ctx.error("input B must have rank >= 1 (is a scalar)");
  if (!as || !bs) {
    ctx.set_output(0, t, std::nullopt);
    return Status::ok();
  }
  Shape a = *as, b = *bs;
  const bool a_vec = a.size() == 1, b_vec = b.size() == 1;
  if (a_vec) a.insert(a.begin(), Dim::known(1));
  if (b_vec) b.push_back(Dim::known(1));
  FOVEA_RETURN_IF_ERROR(check_equal(ctx, a.back(), b[b.size() - 2], "inner dims of A and B differ"));
  FOVEA_ASSIGN_OR_RETURN(Shape out, broadcast_shapes(Shape(a.begin(), a.end() - 2), Shape(b.begin(), b.end() - 2),
                                                     ctx.node().describe()));
  if (!a_vec) out.push_back(a[a.size() - 2]);
  if (!b_vec) out.push_back(b.back());
  ctx.set_output(0, t, out);
  return Status::ok();
}

Status infer_gemm(InferContext& ctx) {
  FOVEA_RETURN_IF_ERROR(check_same_dtypes(ctx));
  const DType t = ctx.input_dtype(0);
  FOVEA_ASSIGN_OR_RETURN(int64_t trans_a, ctx.node().attr_int("transA", 0));
  FOVEA_ASSIGN_OR_RETURN(int64_t trans_b, ctx.node().attr_int("transB", 0));
  FOVEA_RETURN_IF_ERROR(ctx.node().attr_float("alpha", 1.0f).status());
  FOVEA_RETURN_IF_ERROR(ctx.node().attr_float("beta", 1.0f).status());
  const auto& as = ctx.input_shape(0);
  const auto& bs = ctx.input_shape(1);
  if (as && as->size() != 2) return ctx.error("input A must be 2-D, has rank {}", as->size());
  if (bs && bs->size() != 2) return ctx.error("input B must be 2-D, has rank {}", bs->size());
  const Dim m = as ? (*as)[trans_a ? 1 : 0] : Dim::unknown();
  const Dim ka = as ? (*as)[trans_a ? 0 : 1] : Dim::unknown();
  const Dim kb = bs ? (*bs)[trans_b ? 1 : 0] : Dim::unknown();
  const Dim n = bs ? (*bs)[trans_b ? 0 : 1] : Dim::unknown();
  FOVEA_RETURN_IF_ERROR(check_equal(ctx, ka, kb, "inner dims of op(A) and op(B) differ"));
  if (ctx.has_input(2) && ctx.input_shape(2)) {
    const Shape& c = *ctx.input_shape(2);
    if (c.size() > 2) return ctx.error("input C must have rank <= 2, has rank {}", c.size());
    const Shape mn{m, n};
    for (size_t i = 0; i < c.size(); ++i) {
      const Dim& target = mn[2 - c.size() + i];
      if (c[i].is_known() && c[i].value != 1 && target.is_known() && c[i].value != target.value)
        return ctx.error("C of shape {} cannot be broadcast to [{},{}]", shape_to_string(c), m.to_string(),
                         n.to_string());
    }
  }
  ctx.set_output(0, t, Shape{m, n});
  return Status::ok();
}

}  // namespace fovea
