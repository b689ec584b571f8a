// launch_binary: comparisons (every numeric kind and bool, as the CPU reference) and
// And / Or / Xor here; arithmetic in binary_arithmetic_ops.cu, Mod / Min / Max / PRelu /
// BitShift in binary_select_ops.cu.
#include "backends/cuda/kernels/binary_functors.cuh"

namespace fovea::cuda::kernels {
using namespace elementwise;  // the elementwise device helpers (elementwise_loop.cuh)
namespace {

template <typename Fn>
cudaError_t launch_compare(const Fn& fn, const ElementwiseOperand& a, const ElementwiseOperand& b,
                           void* out, const std::vector<int64_t>& out_dims, cudaStream_t stream) {
  if (a.kind != b.kind) return cudaErrorNotSupported;
  if (a.kind == ScalarKind::kBool) return launch_binary_typed<bool, bool, bool>(fn, a, b, out, out_dims, stream);
  FOVEA_KIND_SWITCH_NUMERIC(a.kind, T, { return launch_binary_typed<T, T, bool>(fn, a, b, out, out_dims, stream); });
  return cudaErrorNotSupported;
}

template <typename Fn>
cudaError_t launch_logic(const Fn& fn, const ElementwiseOperand& a, const ElementwiseOperand& b, void* out,
                         const std::vector<int64_t>& out_dims, cudaStream_t stream) {
  if (a.kind != ScalarKind::kBool || b.kind != ScalarKind::kBool) return cudaErrorNotSupported;
  return launch_binary_typed<bool, bool, bool>(fn, a, b, out, out_dims, stream);
}

}  // namespace

cudaError_t launch_binary(const BinaryParams& p, const ElementwiseOperand& a, const ElementwiseOperand& b, void* out,
                          const std::vector<int64_t>& out_dims, cudaStream_t stream) {
  switch (p.op) {
    case BinaryOp::kAdd: case BinaryOp::kSub: case BinaryOp::kMul: case BinaryOp::kDiv:
      return launch_binary_arithmetic(p, a, b, out, out_dims, stream);
    case BinaryOp::kMod: case BinaryOp::kMin: case BinaryOp::kMax: case BinaryOp::kPRelu:
    case BinaryOp::kBitShiftLeft: case BinaryOp::kBitShiftRight:
      return launch_binary_select(p, a, b, out, out_dims, stream);
    case BinaryOp::kEqual: return launch_compare(EqualFn{}, a, b, out, out_dims, stream);
    case BinaryOp::kLess: return launch_compare(LessFn{}, a, b, out, out_dims, stream);
    case BinaryOp::kGreater: return launch_compare(GreaterFn{}, a, b, out, out_dims, stream);
    case BinaryOp::kLessOrEqual: return launch_compare(LessOrEqualFn{}, a, b, out, out_dims, stream);
    case BinaryOp::kGreaterOrEqual: return launch_compare(GreaterOrEqualFn{}, a, b, out, out_dims, stream);
    case BinaryOp::kAnd: return launch_logic(AndFn{}, a, b, out, out_dims, stream);
    case BinaryOp::kOr: return launch_logic(OrFn{}, a, b, out, out_dims, stream);
    case BinaryOp::kXor: return launch_logic(XorFn{}, a, b, out, out_dims, stream);
  }
  return cudaErrorNotSupported;
}

}  // namespace fovea::cuda::kernels
