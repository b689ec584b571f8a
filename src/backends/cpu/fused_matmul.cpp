// fovea.FusedMatMul: the MatMul kernel, then bias (over the last dim) and activation in place.
#include "backends/cpu/float16_via_float32.h"
#include "backends/cpu/fused_activation_apply.h"
#include "backends/cpu/kernels.h"

namespace fovea::cpu {
namespace {

template <typename T>
void add_row_bias(T* y, const T* bias, int64_t rows, int64_t cols) {
#pragma omp parallel for schedule(static) if (worth_parallel(rows * cols))
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) y[r * cols + c] += bias[c];
}

}  // namespace

Status run_fused_mat_mul(CpuKernelContext& ctx) {
  if (has_float16_input(ctx)) return run_float16_via_float32(ctx, run_fused_mat_mul);  // computes in float32
  FOVEA_ASSIGN_OR_RETURN(const FusedActivation act, parse_fused_activation(ctx.node()));
  std::vector<const Tensor*> matmul_inputs = {&ctx.input(0), &ctx.input(1)};
  std::vector<Tensor> matmul_outputs = {ctx.output(0)};  // shares the output's storage
  CpuKernelContext matmul_ctx(ctx.node(), ctx.opset(), std::move(matmul_inputs), matmul_outputs);
  FOVEA_RETURN_IF_ERROR(run_mat_mul(matmul_ctx));
  ctx.output(0) = matmul_outputs[0];
  Tensor& y = ctx.output(0);
  const Tensor* bias = ctx.has_input(2) ? &ctx.input(2) : nullptr;
  const int64_t cols = y.rank() == 0 ? 1 : y.dim(y.rank() - 1);
  if (bias && (bias->rank() != 1 || bias->dim(0) != cols))
    return ctx.error("bias has shape {}, expected [{}] (the output's last dim)", dims_to_string(bias->dims()), cols);
  FOVEA_SWITCH_FLOAT(y.dtype(), T, {
    if (bias && cols > 0) add_row_bias(y.data<T>(), bias->data<T>(), y.numel() / cols, cols);
    apply_fused_activation(act, y.data<T>(), y.numel());
    return Status::ok();
  });
  return ctx.unsupported_dtype(0);
}

}  // namespace fovea::cpu
