// fovea.MaxPool (layout NHWC): the ONNX MaxPool kernel between transposes, X [N,H,W,C] to NCHW
// and Y back to [N,H',W',C]. The reference the GPU NHWC max pooling is tested against.
#include "backends/cpu/kernels.h"
#include "backends/cpu/nhwc_layout.h"

namespace fovea::cpu {

Status run_fovea_max_pool(CpuKernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  Tensor& y = ctx.output(0);
  if (x.rank() != 4 || y.rank() != 4)
    return ctx.error("X and Y must be 4-D, got ranks {} and {}", x.rank(), y.rank());
  FOVEA_ASSIGN_OR_RETURN(Tensor x_nchw, permuted_copy(x, kNhwcToNchwPerm));
  FOVEA_ASSIGN_OR_RETURN(Tensor y_nchw, Tensor::allocate(y.dtype(), {y.dim(0), y.dim(3), y.dim(1), y.dim(2)}));
  std::vector<Tensor> outputs = {y_nchw};
  CpuKernelContext inner(ctx.node(), ctx.opset(), {&x_nchw}, outputs);
  FOVEA_RETURN_IF_ERROR(run_max_pool(inner));
  return permute_into(outputs[0], kNchwToNhwcPerm, y);
}

}  // namespace fovea::cpu
