// Add, Sub, Mul, Div on every numeric kind (float32 / float16 vectorized).
#include "backends/cuda/kernels/binary_functors.cuh"

namespace fovea::cuda::kernels::elementwise {

cudaError_t launch_binary_arithmetic(const BinaryParams& p, const ElementwiseOperand& a, const ElementwiseOperand& b,
                                     void* out, const std::vector<int64_t>& out_dims, cudaStream_t stream) {
  switch (p.op) {
    case BinaryOp::kAdd: return launch_numeric_binary(AddFn{}, a, b, out, out_dims, stream);
    case BinaryOp::kSub: return launch_numeric_binary(SubFn{}, a, b, out, out_dims, stream);
    case BinaryOp::kMul: return launch_numeric_binary(MulFn{}, a, b, out, out_dims, stream);
    case BinaryOp::kDiv: return launch_numeric_binary(DivFn{}, a, b, out, out_dims, stream);
    default: return cudaErrorNotSupported;
  }
}

}  // namespace fovea::cuda::kernels::elementwise
