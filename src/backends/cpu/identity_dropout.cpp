// Identity and inference-mode Dropout: the output is a view of the input (no copy).
#include "backends/cpu/broadcast_loop.h"
#include "backends/cpu/kernels.h"

namespace fovea::cpu {

Status run_identity(CpuKernelContext& ctx) {
  ctx.output(0) = ctx.input(0);
  return Status::ok();
}

// The shape function already refused training_mode = true with a non-zero ratio. The mask,
// when asked for, is all true (bool from opset 10, ones of the data's dtype before).
Status run_dropout(CpuKernelContext& ctx) {
  ctx.output(0) = ctx.input(0);
  if (!ctx.has_output(1)) return Status::ok();
  Tensor& mask = ctx.output(1);
  switch (mask.dtype()) {
    case DType::kBool: unary_map(mask.data<bool>(), mask.data<bool>(), mask.numel(), [](bool) { return true; }); break;
    case DType::kFloat16: {
      const Half one = float_to_half(1.f);
      unary_map(mask.data<Half>(), mask.data<Half>(), mask.numel(), [one](Half) { return one; });
      break;
    }
    default:
      FOVEA_SWITCH_NUMERIC(mask.dtype(), T, {
        unary_map(mask.data<T>(), mask.data<T>(), mask.numel(), [](T) { return T(1); });
        return Status::ok();
      });
      return ctx.unsupported_here("mask of dtype {} is not supported", dtype_name(mask.dtype()));
  }
  return Status::ok();
}

}  // namespace fovea::cpu
