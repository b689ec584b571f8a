#include "backends/cuda/kernels/fused_elementwise.h"

#include "backends/cuda/kernels/binary_functors.cuh"
#include "backends/cuda/kernels/elementwise_loop.cuh"
#include "backends/cuda/kernels/unary_functors.cuh"

namespace fovea::cuda::kernels {
using namespace elementwise;  // the elementwise device helpers (elementwise_loop.cuh)
namespace {

template <typename T>
struct FusedInputs {
  Operand<T> in[kMaxFusedInputs];
};

// One op on float values, as the CPU reference (src/backends/cpu/fused_elementwise.cpp).
__device__ __forceinline__ float fused_step(FusedOpCode op, float a, float b, float alpha, float beta) {
  switch (op) {
    case FusedOpCode::kAdd: return a + b;
    case FusedOpCode::kSub: return a - b;
    case FusedOpCode::kMul: return a * b;
    case FusedOpCode::kDiv: return a / b;
    case FusedOpCode::kPow: return powf(a, b);
    case FusedOpCode::kMax: return MaxFn{}(a, b);
    case FusedOpCode::kMin: return MinFn{}(a, b);
    case FusedOpCode::kPRelu: return a < 0.f ? a * b : a;
    case FusedOpCode::kRelu: return ReluFn{}(a);
    case FusedOpCode::kLeakyRelu: return LeakyReluFn{alpha}(a);
    case FusedOpCode::kSigmoid: return SigmoidFn{}(a);
    case FusedOpCode::kTanh: return tanhf(a);
    case FusedOpCode::kHardSigmoid: return HardSigmoidFn{alpha, beta}(a);
    case FusedOpCode::kHardSwish: return HardSwishFn{}(a);
    case FusedOpCode::kSoftplus: return softplus(a);
    case FusedOpCode::kElu: return EluFn{alpha}(a);
    case FusedOpCode::kSelu: return SeluFn{alpha, beta}(a);
    case FusedOpCode::kErf: return erff(a);
    case FusedOpCode::kClip: {
      const float v = a < alpha ? alpha : a;
      return v > beta ? beta : v;
    }
    case FusedOpCode::kSqrt: return sqrtf(a);
    case FusedOpCode::kExp: return expf(a);
    case FusedOpCode::kLog: return logf(a);
    case FusedOpCode::kAbs: return fabsf(a);
    case FusedOpCode::kNeg: return -a;
    case FusedOpCode::kReciprocal: return 1.f / a;
    case FusedOpCode::kFloor: return floorf(a);
    case FusedOpCode::kCeil: return ceilf(a);
    case FusedOpCode::kRound: return rintf(a);
    case FusedOpCode::kSign: return a > 0.f ? 1.f : a < 0.f ? -1.f : a;  // keeps NaN and -0
    case FusedOpCode::kIdentity: return a;
  }
  return a;
}

template <typename T>
__global__ void fused_elementwise_kernel(T* out, int64_t n, FusedProgram prog, FusedInputs<T> ins) {
  FOVEA_GRID_STRIDE_LOOP(i, n) {
    float reg[kMaxFusedInputs + kMaxFusedOps];
    for (int k = 0; k < prog.num_inputs; ++k) reg[k] = widen(ins.in[k].at(i));
    for (int k = 0; k < prog.num_ops; ++k) {
      const float a = reg[prog.lhs[k]];
      const float b = fused_op_is_binary(prog.ops[k]) ? reg[prog.rhs[k]] : 0.f;
      reg[prog.num_inputs + k] = fused_step(prog.ops[k], a, b, prog.alpha[k], prog.beta[k]);
    }
    out[i] = store_as<T>(reg[prog.num_inputs + prog.num_ops - 1]);
  }
}

template <typename T>
cudaError_t launch_fused_typed(const FusedProgram& prog, const std::vector<ElementwiseOperand>& inputs, void* out,
                               const std::vector<int64_t>& out_dims, cudaStream_t stream) {
  FusedInputs<T> ins;
  for (int k = 0; k < prog.num_inputs; ++k)
    if (!make_operand(inputs[k].data, inputs[k].dims, out_dims, &ins.in[k])) return cudaErrorInvalidValue;
  const int64_t n = elementwise_numel(out_dims);
  if (n <= 0) return cudaSuccess;
  fused_elementwise_kernel<T><<<blocks_for(n), kThreadsPerBlock, 0, stream>>>(static_cast<T*>(out), n, prog, ins);
  return cudaGetLastError();
}

}  // namespace

cudaError_t launch_fused_elementwise(const FusedProgram& prog, const std::vector<ElementwiseOperand>& inputs,
                                     ScalarKind out_kind, void* out, const std::vector<int64_t>& out_dims,
                                     cudaStream_t stream) {
  if (prog.num_inputs < 1 || prog.num_inputs > kMaxFusedInputs || prog.num_ops < 1 || prog.num_ops > kMaxFusedOps ||
      static_cast<size_t>(prog.num_inputs) != inputs.size())
    return cudaErrorInvalidValue;
  for (int k = 0; k < prog.num_ops; ++k) {  // every register read must already be written
    const int32_t limit = prog.num_inputs + k;
    if (prog.lhs[k] < 0 || prog.lhs[k] >= limit) return cudaErrorInvalidValue;
    if (fused_op_is_binary(prog.ops[k]) && (prog.rhs[k] < 0 || prog.rhs[k] >= limit)) return cudaErrorInvalidValue;
  }
  for (const ElementwiseOperand& in : inputs)
    if (in.kind != out_kind) return cudaErrorNotSupported;
  switch (out_kind) {
    case ScalarKind::kF32: return launch_fused_typed<float>(prog, inputs, out, out_dims, stream);
    case ScalarKind::kF16: return launch_fused_typed<__half>(prog, inputs, out, out_dims, stream);
    default: return cudaErrorNotSupported;
  }
}

}  // namespace fovea::cuda::kernels
