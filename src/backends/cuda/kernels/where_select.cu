#include "backends/cuda/kernels/where_select.h"

#include "backends/cuda/kernels/elementwise_loop.cuh"

namespace fovea::cuda::kernels {
using namespace elementwise;  // the elementwise device helpers (elementwise_loop.cuh)
namespace {

struct SelectFn {
  template <typename T>
  __device__ __forceinline__ T operator()(bool c, T x, T y) const { return c ? x : y; }
};

// U: an unsigned integer of the element's size (the bits are copied, never interpreted).
template <typename U>
cudaError_t launch_where_sized(const ElementwiseOperand& cond, const ElementwiseOperand& x,
                               const ElementwiseOperand& y, void* out, const std::vector<int64_t>& out_dims,
                               cudaStream_t stream) {
  Operand<bool> oc;
  Operand<U> ox, oy;
  if (!make_operand(cond.data, cond.dims, out_dims, &oc) || !make_operand(x.data, x.dims, out_dims, &ox) ||
      !make_operand(y.data, y.dims, out_dims, &oy))
    return cudaErrorInvalidValue;
  return launch_elementwise<1>(static_cast<U*>(out), elementwise_numel(out_dims), stream, SelectFn{}, oc, ox, oy);
}

}  // namespace

cudaError_t launch_where(const ElementwiseOperand& cond, const ElementwiseOperand& x, const ElementwiseOperand& y,
                         void* out, const std::vector<int64_t>& out_dims, cudaStream_t stream) {
  if (cond.kind != ScalarKind::kBool || x.kind != y.kind) return cudaErrorNotSupported;
  switch (scalar_size(x.kind)) {
    case 1: return launch_where_sized<uint8_t>(cond, x, y, out, out_dims, stream);
    case 2: return launch_where_sized<uint16_t>(cond, x, y, out, out_dims, stream);
    case 4: return launch_where_sized<uint32_t>(cond, x, y, out, out_dims, stream);
    case 8: return launch_where_sized<uint64_t>(cond, x, y, out, out_dims, stream);
    default: return cudaErrorNotSupported;
  }
}

}  // namespace fovea::cuda::kernels
