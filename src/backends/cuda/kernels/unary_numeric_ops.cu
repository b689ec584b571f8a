// launch_unary: the ops that take every numeric kind (Relu, Abs, Neg, Sign, Erf, Shrink),
// IsNaN / IsInf (float in, bool out) and Not (bool); float-only ops go to
// unary_activation_ops.cu and unary_math_ops.cu.
#include "backends/cuda/kernels/unary_functors.cuh"

namespace fovea::cuda::kernels {
using namespace elementwise;  // the elementwise device helpers (elementwise_loop.cuh)
namespace {

struct IsNaNFn {
  template <typename C>
  __device__ bool operator()(C x) const { return x != x; }
};
struct IsInfFn {
  bool detect_negative, detect_positive;
  template <typename C>
  __device__ bool operator()(C x) const {
    const C inf = std::numeric_limits<C>::infinity();
    return (x == inf && detect_positive) || (x == -inf && detect_negative);
  }
};

template <typename T, typename Fn>
struct StoragePredicate {
  Fn fn;
  __device__ __forceinline__ bool operator()(T x) const { return fn(widen(x)); }
};

template <typename Fn>
cudaError_t launch_float_predicate(ScalarKind kind, const Fn& fn, const void* x, void* y, int64_t n,
                                   cudaStream_t stream) {
  FOVEA_KIND_SWITCH_FLOAT(kind, T, {
    Operand<T> in;
    in.data = static_cast<const T*>(x);
    return launch_elementwise<1>(static_cast<bool*>(y), n, stream, StoragePredicate<T, Fn>{fn}, in);
  });
  return cudaErrorNotSupported;
}

struct NotFn {
  __device__ __forceinline__ bool operator()(bool x) const { return !x; }
};

}  // namespace

cudaError_t launch_unary(const UnaryParams& p, ScalarKind kind, const void* x, void* y, int64_t n,
                         cudaStream_t stream) {
  switch (p.op) {
    case UnaryOp::kRelu: return launch_numeric_map(kind, ReluFn{}, x, y, n, stream);
    case UnaryOp::kAbs: return launch_numeric_map(kind, AbsFn{}, x, y, n, stream);
    case UnaryOp::kNeg: return launch_numeric_map(kind, NegFn{}, x, y, n, stream);
    case UnaryOp::kSign: return launch_numeric_map(kind, SignFn{}, x, y, n, stream);
    case UnaryOp::kErf: return launch_numeric_map(kind, ErfFn{}, x, y, n, stream);
    case UnaryOp::kShrink: return launch_numeric_map(kind, ShrinkFn{p.alpha, p.beta}, x, y, n, stream);
    case UnaryOp::kIsNaN: return launch_float_predicate(kind, IsNaNFn{}, x, y, n, stream);
    case UnaryOp::kIsInf:
      return launch_float_predicate(kind, IsInfFn{p.detect_negative, p.detect_positive}, x, y, n, stream);
    case UnaryOp::kNot: {
      if (kind != ScalarKind::kBool) return cudaErrorNotSupported;
      Operand<bool> in;
      in.data = static_cast<const bool*>(x);
      return launch_elementwise<1>(static_cast<bool*>(y), n, stream, NotFn{}, in);
    }
    case UnaryOp::kLeakyRelu: case UnaryOp::kSigmoid: case UnaryOp::kTanh: case UnaryOp::kHardSigmoid:
    case UnaryOp::kHardSwish: case UnaryOp::kSoftplus: case UnaryOp::kSoftsign: case UnaryOp::kElu:
    case UnaryOp::kSelu: case UnaryOp::kCelu: case UnaryOp::kThresholdedRelu: case UnaryOp::kMish:
      return launch_unary_activation(p, kind, x, y, n, stream);
    case UnaryOp::kSqrt: case UnaryOp::kExp: case UnaryOp::kLog: case UnaryOp::kReciprocal: case UnaryOp::kFloor:
    case UnaryOp::kCeil: case UnaryOp::kRound: case UnaryOp::kSin: case UnaryOp::kCos: case UnaryOp::kTan:
    case UnaryOp::kAsin: case UnaryOp::kAcos: case UnaryOp::kAtan: case UnaryOp::kSinh: case UnaryOp::kCosh:
    case UnaryOp::kAsinh: case UnaryOp::kAcosh: case UnaryOp::kAtanh:
      return launch_unary_math(p, kind, x, y, n, stream);
  }
  return cudaErrorNotSupported;
}

}  // namespace fovea::cuda::kernels
