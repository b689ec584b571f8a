#include "backends/cuda/kernels/variadic_elementwise.h"

#include "backends/cuda/kernels/binary_elementwise.h"
#include "backends/cuda/kernels/elementwise_loop.cuh"

namespace fovea::cuda::kernels {
using namespace elementwise;  // the elementwise device helpers (elementwise_loop.cuh)
namespace {

template <typename T>
struct VariadicInputs {
  Operand<T> in[kMaxVariadicInputs];
  int count = 0;
};

// Wrapping add for Sum/Mean; Min/Max let NaN win (as np.minimum / np.maximum).
template <typename C>
__device__ __forceinline__ C fold_step(VariadicOp op, C a, C b) {
  switch (op) {
    case VariadicOp::kSum: case VariadicOp::kMean: return wrapping_add(a, b);
    case VariadicOp::kMin: return is_nan(a) ? a : (b < a || is_nan(b)) ? b : a;
    case VariadicOp::kMax: return is_nan(a) ? a : (b > a || is_nan(b)) ? b : a;
  }
  return a;
}

// divisor > 0: the folded value is divided by it (Mean's last launch).
template <typename T>
__global__ void variadic_kernel(T* out, int64_t n, VariadicOp op, VariadicInputs<T> ins, int64_t divisor) {
  using C = ComputeType<T>;
  FOVEA_GRID_STRIDE_LOOP(i, n) {
    C acc = widen(ins.in[0].at(i));
    for (int k = 1; k < ins.count; ++k) acc = fold_step(op, acc, widen(ins.in[k].at(i)));
    if (divisor > 0) acc = safe_div(acc, static_cast<C>(divisor));
    out[i] = store_as<T>(acc);
  }
}

template <typename T>
cudaError_t launch_variadic_typed(VariadicOp op, const std::vector<ElementwiseOperand>& inputs, void* out,
                                  const std::vector<int64_t>& out_dims, cudaStream_t stream) {
  const int64_t n = elementwise_numel(out_dims);
  if (n <= 0) return cudaSuccess;
  T* y = static_cast<T*>(out);
  size_t next = 0;  // the first input not folded yet
  while (next < inputs.size()) {
    VariadicInputs<T> ins;
    if (next > 0) {  // continue from the running value in the output
      ins.in[0].data = y;
      ins.in[0].access = OperandAccess{};
      ins.count = 1;
    }
    for (; next < inputs.size() && ins.count < kMaxVariadicInputs; ++next, ++ins.count)
      if (!make_operand(inputs[next].data, inputs[next].dims, out_dims, &ins.in[ins.count])) return cudaErrorInvalidValue;
    const bool last = next == inputs.size();
    const int64_t divisor = op == VariadicOp::kMean && last ? static_cast<int64_t>(inputs.size()) : 0;
    variadic_kernel<T><<<blocks_for(n), kThreadsPerBlock, 0, stream>>>(y, n, op, ins, divisor);
    const cudaError_t e = cudaGetLastError();
    if (e != cudaSuccess) return e;
  }
  return cudaSuccess;
}

}  // namespace

cudaError_t launch_variadic(VariadicOp op, const std::vector<ElementwiseOperand>& inputs, void* out,
                            const std::vector<int64_t>& out_dims, cudaStream_t stream) {
  if (inputs.empty()) return cudaErrorInvalidValue;
  for (const ElementwiseOperand& in : inputs)
    if (in.kind != inputs[0].kind) return cudaErrorNotSupported;
  // Two inputs are one binary op, which has the vectorized paths.
  if (inputs.size() == 2 && op != VariadicOp::kMean) {
    const BinaryOp bop = op == VariadicOp::kSum ? BinaryOp::kAdd : op == VariadicOp::kMin ? BinaryOp::kMin : BinaryOp::kMax;
    return launch_binary(BinaryParams{bop, false}, inputs[0], inputs[1], out, out_dims, stream);
  }
  FOVEA_KIND_SWITCH_NUMERIC(inputs[0].kind, T, { return launch_variadic_typed<T>(op, inputs, out, out_dims, stream); });
  return cudaErrorNotSupported;
}

}  // namespace fovea::cuda::kernels
