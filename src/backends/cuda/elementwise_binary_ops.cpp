// Binary elementwise ops on the GPU (broadcasting): arithmetic, Pow, Mod, BitShift, PRelu,
// comparisons and logic, through kernels::launch_binary / launch_pow.
#include "backends/cuda/elementwise_adapter.h"
#include "backends/cuda/elementwise_kernels.h"
#include "backends/cuda/kernels/binary_elementwise.h"

namespace fovea::cuda::elementwise_ops {
namespace {

using kernels::BinaryOp;
using kernels::BinaryParams;

Status run_binary(GpuKernelContext& ctx, const BinaryParams& params) {
  FOVEA_ASSIGN_OR_RETURN(const kernels::ElementwiseOperand a, broadcast_operand(ctx, 0));
  FOVEA_ASSIGN_OR_RETURN(const kernels::ElementwiseOperand b, broadcast_operand(ctx, 1));
  if (ctx.input(0).dtype != ctx.input(1).dtype)
    return ctx.error("inputs have different dtypes ({} and {})", dtype_name(ctx.input(0).dtype),
                     dtype_name(ctx.input(1).dtype));
  const DType out_dtype = kernels::binary_outputs_bool(params.op) ? DType::kBool : ctx.input(0).dtype;
  const Dims out_dims = ctx.output(0).dims;
  FOVEA_ASSIGN_OR_RETURN(DeviceTensor* y, checked_output(ctx, out_dtype, element_count(out_dims)));
  return launch_status(ctx, kernels::launch_binary(params, a, b, y->data, out_dims, ctx.stream()), 0);
}

Status run_plain(GpuKernelContext& ctx, BinaryOp op) { return run_binary(ctx, BinaryParams{op}); }

}  // namespace

Status run_add(GpuKernelContext& ctx) { return run_plain(ctx, BinaryOp::kAdd); }
Status run_sub(GpuKernelContext& ctx) { return run_plain(ctx, BinaryOp::kSub); }
Status run_mul(GpuKernelContext& ctx) { return run_plain(ctx, BinaryOp::kMul); }
Status run_div(GpuKernelContext& ctx) { return run_plain(ctx, BinaryOp::kDiv); }

// The base and the exponent may differ in dtype; the output has the base's.
Status run_pow(GpuKernelContext& ctx) {
  FOVEA_ASSIGN_OR_RETURN(const kernels::ElementwiseOperand base, broadcast_operand(ctx, 0));
  FOVEA_ASSIGN_OR_RETURN(const kernels::ElementwiseOperand exponent, broadcast_operand(ctx, 1));
  const Dims out_dims = ctx.output(0).dims;
  FOVEA_ASSIGN_OR_RETURN(DeviceTensor* y, checked_output(ctx, ctx.input(0).dtype, element_count(out_dims)));
  const cudaError_t e = kernels::launch_pow(base, exponent, y->data, out_dims, ctx.stream());
  // Bases are checked first; an exponent the kernel lacks is then the reason.
  const bool base_ok = base.kind == kernels::ScalarKind::kF32 || base.kind == kernels::ScalarKind::kF16 ||
                       base.kind == kernels::ScalarKind::kF64 || base.kind == kernels::ScalarKind::kI32 ||
                       base.kind == kernels::ScalarKind::kI64;
  return launch_status(ctx, e, base_ok ? 1 : 0);
}

Status run_mod(GpuKernelContext& ctx) {
  FOVEA_ASSIGN_OR_RETURN(const int64_t fmod, ctx.node().attr_int("fmod", 0));
  return run_binary(ctx, BinaryParams{BinaryOp::kMod, fmod != 0});
}

Status run_bit_shift(GpuKernelContext& ctx) {
  FOVEA_ASSIGN_OR_RETURN(const std::string direction, ctx.node().attr_string("direction", ""));
  return run_plain(ctx, direction == "LEFT" ? BinaryOp::kBitShiftLeft : BinaryOp::kBitShiftRight);
}

// y = x < 0 ? slope * x : x, slope broadcast to X's shape (the output's).
Status run_prelu(GpuKernelContext& ctx) { return run_plain(ctx, BinaryOp::kPRelu); }

Status run_equal(GpuKernelContext& ctx) { return run_plain(ctx, BinaryOp::kEqual); }
Status run_less(GpuKernelContext& ctx) { return run_plain(ctx, BinaryOp::kLess); }
Status run_greater(GpuKernelContext& ctx) { return run_plain(ctx, BinaryOp::kGreater); }
Status run_less_or_equal(GpuKernelContext& ctx) { return run_plain(ctx, BinaryOp::kLessOrEqual); }
Status run_greater_or_equal(GpuKernelContext& ctx) { return run_plain(ctx, BinaryOp::kGreaterOrEqual); }
Status run_and(GpuKernelContext& ctx) { return run_plain(ctx, BinaryOp::kAnd); }
Status run_or(GpuKernelContext& ctx) { return run_plain(ctx, BinaryOp::kOr); }
Status run_xor(GpuKernelContext& ctx) { return run_plain(ctx, BinaryOp::kXor); }

}  // namespace fovea::cuda::elementwise_ops
