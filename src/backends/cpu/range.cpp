#include "backends/cpu/kernels.h"

namespace fovea::cpu {

Status run_range(CpuKernelContext& ctx) {
  Tensor& out = ctx.output(0);
  const Tensor& start = ctx.input(0);
  const Tensor& delta = ctx.input(2);
  switch (out.dtype()) {
    case DType::kFloat32: case DType::kFloat64: case DType::kInt16: case DType::kInt32: case DType::kInt64: break;
    default: return ctx.unsupported_dtype(0);
  }
  FOVEA_SWITCH_NUMERIC(out.dtype(), T, {
    const T s = start.data<T>()[0];
    const T d = delta.data<T>()[0];
    T* dst = out.data<T>();
    // output[i] = start + i * delta, as the ONNX spec defines it.
    for (int64_t i = 0; i < out.numel(); ++i) dst[i] = static_cast<T>(s + static_cast<T>(i) * d);
    return Status::ok();
  });
  return ctx.unsupported_dtype(0);
}

}  // namespace fovea::cpu
