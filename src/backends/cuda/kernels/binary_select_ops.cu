// Mod, Min, Max, PRelu on every numeric kind and BitShift on unsigned kinds.
#include "backends/cuda/kernels/binary_functors.cuh"

namespace fovea::cuda::kernels::elementwise {
namespace {

cudaError_t launch_bit_shift(bool left, const ElementwiseOperand& a, const ElementwiseOperand& b, void* out,
                             const std::vector<int64_t>& out_dims, cudaStream_t stream) {
  if (a.kind != b.kind) return cudaErrorNotSupported;
  const BitShiftFn fn{left};
  switch (a.kind) {
    case ScalarKind::kU8: return launch_binary_typed<uint8_t, uint8_t, uint8_t>(fn, a, b, out, out_dims, stream);
    case ScalarKind::kU16: return launch_binary_typed<uint16_t, uint16_t, uint16_t>(fn, a, b, out, out_dims, stream);
    case ScalarKind::kU32: return launch_binary_typed<uint32_t, uint32_t, uint32_t>(fn, a, b, out, out_dims, stream);
    case ScalarKind::kU64: return launch_binary_typed<uint64_t, uint64_t, uint64_t>(fn, a, b, out, out_dims, stream);
    default: return cudaErrorNotSupported;
  }
}

}  // namespace

cudaError_t launch_binary_select(const BinaryParams& p, const ElementwiseOperand& a, const ElementwiseOperand& b,
                                 void* out, const std::vector<int64_t>& out_dims, cudaStream_t stream) {
  switch (p.op) {
    case BinaryOp::kMod: return launch_numeric_binary(ModFn{p.fmod}, a, b, out, out_dims, stream);
    case BinaryOp::kMin: return launch_numeric_binary(MinFn{}, a, b, out, out_dims, stream);
    case BinaryOp::kMax: return launch_numeric_binary(MaxFn{}, a, b, out, out_dims, stream);
    case BinaryOp::kPRelu: return launch_numeric_binary(PReluFn{}, a, b, out, out_dims, stream);
    case BinaryOp::kBitShiftLeft: return launch_bit_shift(true, a, b, out, out_dims, stream);
    case BinaryOp::kBitShiftRight: return launch_bit_shift(false, a, b, out, out_dims, stream);
    default: return cudaErrorNotSupported;
  }
}

}  // namespace fovea::cuda::kernels::elementwise
