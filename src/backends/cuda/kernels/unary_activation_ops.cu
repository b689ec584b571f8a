// Float-only activations of launch_unary: float32, float16 (computed in float32), float64.
#include "backends/cuda/kernels/unary_functors.cuh"

namespace fovea::cuda::kernels::elementwise {

cudaError_t launch_unary_activation(const UnaryParams& p, ScalarKind kind, const void* x, void* y, int64_t n,
                                    cudaStream_t stream) {
  switch (p.op) {
    case UnaryOp::kLeakyRelu: return launch_float_map(kind, LeakyReluFn{p.alpha}, x, y, n, stream);
    case UnaryOp::kSigmoid: return launch_float_map(kind, SigmoidFn{}, x, y, n, stream);
    case UnaryOp::kTanh: return launch_float_map(kind, TanhFn{}, x, y, n, stream);
    case UnaryOp::kHardSigmoid: return launch_float_map(kind, HardSigmoidFn{p.alpha, p.beta}, x, y, n, stream);
    case UnaryOp::kHardSwish: return launch_float_map(kind, HardSwishFn{}, x, y, n, stream);
    case UnaryOp::kSoftplus: return launch_float_map(kind, SoftplusFn{}, x, y, n, stream);
    case UnaryOp::kSoftsign: return launch_float_map(kind, SoftsignFn{}, x, y, n, stream);
    case UnaryOp::kElu: return launch_float_map(kind, EluFn{p.alpha}, x, y, n, stream);
    case UnaryOp::kSelu: return launch_float_map(kind, SeluFn{p.alpha, p.beta}, x, y, n, stream);
    case UnaryOp::kCelu: return launch_float_map(kind, CeluFn{p.alpha}, x, y, n, stream);
    case UnaryOp::kThresholdedRelu: return launch_float_map(kind, ThresholdedReluFn{p.alpha}, x, y, n, stream);
    case UnaryOp::kMish: return launch_float_map(kind, MishFn{}, x, y, n, stream);
    default: return cudaErrorNotSupported;
  }
}

}  // namespace fovea::cuda::kernels::elementwise
