#include "backends/cpu/float16_via_float32.h"

#include "backends/cpu/broadcast_loop.h"

namespace fovea::cpu {

bool has_float16_input(const CpuKernelContext& ctx) {
  for (size_t i = 0; i < ctx.num_inputs(); ++i)
    if (ctx.has_input(i) && ctx.input(i).dtype() == DType::kFloat16) return true;
  return false;
}

Status run_float16_via_float32(CpuKernelContext& ctx, CpuKernelFn kernel) {
  std::vector<Tensor> widened(ctx.num_inputs());
  std::vector<const Tensor*> inputs(ctx.num_inputs(), nullptr);
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    if (!ctx.has_input(i)) continue;
    const Tensor& in = ctx.input(i);
    if (in.dtype() != DType::kFloat16) {
      inputs[i] = &in;
      continue;
    }
    FOVEA_ASSIGN_OR_RETURN(widened[i], Tensor::allocate(DType::kFloat32, in.dims()));
    unary_map(in.data<Half>(), widened[i].data<float>(), in.numel(), [](Half h) { return half_to_float(h); });
    inputs[i] = &widened[i];
  }
  std::vector<Tensor> outputs(ctx.num_outputs());
  for (size_t i = 0; i < ctx.num_outputs(); ++i) {
    if (!ctx.has_output(i)) continue;
    const Tensor& out = ctx.output(i);
    if (out.dtype() == DType::kFloat16) {
      FOVEA_ASSIGN_OR_RETURN(outputs[i], Tensor::allocate(DType::kFloat32, out.dims()));
    } else {
      outputs[i] = out;  // shares storage: the kernel writes straight into it
    }
  }
  CpuKernelContext inner(ctx.node(), ctx.opset(), std::move(inputs), outputs);
  FOVEA_RETURN_IF_ERROR(kernel(inner));
  for (size_t i = 0; i < ctx.num_outputs(); ++i) {
    if (!ctx.has_output(i)) continue;
    Tensor& out = ctx.output(i);
    if (out.dtype() != DType::kFloat16) {
      out = outputs[i];  // the kernel may have replaced it with a view
      continue;
    }
    if (outputs[i].dtype() != DType::kFloat32) return internal_error("{}: float16 fallback lost an output", ctx.node().describe());
    unary_map(outputs[i].data<float>(), out.data<Half>(), out.numel(), [](float f) { return float_to_half(f); });
  }
  return Status::ok();
}

}  // namespace fovea::cpu
