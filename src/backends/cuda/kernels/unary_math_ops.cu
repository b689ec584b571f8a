// Float-only math and trigonometry of launch_unary: float32, float16 (computed in float32),
// float64.
#include "backends/cuda/kernels/unary_functors.cuh"

namespace fovea::cuda::kernels::elementwise {

cudaError_t launch_unary_math(const UnaryParams& p, ScalarKind kind, const void* x, void* y, int64_t n,
                              cudaStream_t stream) {
  switch (p.op) {
    case UnaryOp::kSqrt: return launch_float_map(kind, SqrtFn{}, x, y, n, stream);
    case UnaryOp::kExp: return launch_float_map(kind, ExpFn{}, x, y, n, stream);
    case UnaryOp::kLog: return launch_float_map(kind, LogFn{}, x, y, n, stream);
    case UnaryOp::kReciprocal: return launch_float_map(kind, ReciprocalFn{}, x, y, n, stream);
    case UnaryOp::kFloor: return launch_float_map(kind, FloorFn{}, x, y, n, stream);
    case UnaryOp::kCeil: return launch_float_map(kind, CeilFn{}, x, y, n, stream);
    case UnaryOp::kRound: return launch_float_map(kind, RoundFn{}, x, y, n, stream);
    case UnaryOp::kSin: return launch_float_map(kind, SinFn{}, x, y, n, stream);
    case UnaryOp::kCos: return launch_float_map(kind, CosFn{}, x, y, n, stream);
    case UnaryOp::kTan: return launch_float_map(kind, TanFn{}, x, y, n, stream);
    case UnaryOp::kAsin: return launch_float_map(kind, AsinFn{}, x, y, n, stream);
    case UnaryOp::kAcos: return launch_float_map(kind, AcosFn{}, x, y, n, stream);
    case UnaryOp::kAtan: return launch_float_map(kind, AtanFn{}, x, y, n, stream);
    case UnaryOp::kSinh: return launch_float_map(kind, SinhFn{}, x, y, n, stream);
    case UnaryOp::kCosh: return launch_float_map(kind, CoshFn{}, x, y, n, stream);
    case UnaryOp::kAsinh: return launch_float_map(kind, AsinhFn{}, x, y, n, stream);
    case UnaryOp::kAcosh: return launch_float_map(kind, AcoshFn{}, x, y, n, stream);
    case UnaryOp::kAtanh: return launch_float_map(kind, AtanhFn{}, x, y, n, stream);
    default: return cudaErrorNotSupported;
  }
}

}  // namespace fovea::cuda::kernels::elementwise
