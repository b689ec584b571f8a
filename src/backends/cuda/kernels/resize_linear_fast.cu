// The linear fast path of resize_fast_paths.h: output [outer, out_h, out_w, inner] from input
// [outer, in_h, in_w, inner]. A thread computes the taps of its output pixel once and applies
// them to a group of G channels (NHWC; G = 1 for NCHW, where inner is 1), with the generic
// kernel's arithmetic. The per-thread code is resize_linear_group (resize_fast_bodies.h).
#include "backends/cuda/kernels/device_common.cuh"
#include "backends/cuda/kernels/resize_fast_bodies.h"

namespace fovea::cuda::kernels {
namespace {

// With I = uint32_t every index is below 2^31, so i + step cannot wrap.
template <typename T, int G, typename I>
__global__ void resize_linear_fast_kernel(ResizeParams p, LinearGeometry<I> g, const T* in, T* out) {
  const I step = static_cast<I>(blockDim.x) * gridDim.x;
  for (I i = static_cast<I>(blockIdx.x) * blockDim.x + threadIdx.x; i < g.total; i += step)
    resize_linear_group<T, G, I>(p, g, i, in, out);
}

template <typename T, int G, typename I>
cudaError_t linear_as(const ResizeParams& p, const LinearFastPlan& plan, const void* in, void* out,
                      cudaStream_t stream) {
  const LinearGeometry<I> g = linear_geometry<I>(p, plan);
  resize_linear_fast_kernel<T, G, I><<<blocks_for(static_cast<int64_t>(g.total)), kThreadsPerBlock, 0, stream>>>(
      p, g, static_cast<const T*>(in), static_cast<T*>(out));
  return cudaGetLastError();
}

template <typename T, typename I>
cudaError_t linear_grouped(const ResizeParams& p, const LinearFastPlan& plan, const void* in, void* out,
                           cudaStream_t stream) {
  switch (plan.group) {
    case 1: return linear_as<T, 1, I>(p, plan, in, out, stream);
    case 2: return linear_as<T, 2, I>(p, plan, in, out, stream);
    case 4: return linear_as<T, 4, I>(p, plan, in, out, stream);
    case 8:
      if constexpr (sizeof(T) == 2) return linear_as<T, 8, I>(p, plan, in, out, stream);
      return cudaErrorInvalidValue;
    default: return cudaErrorInvalidValue;
  }
}

template <typename T>
cudaError_t linear_of(const ResizeParams& p, const LinearFastPlan& plan, const void* in, void* out,
                      cudaStream_t stream) {
  return plan.wide_index ? linear_grouped<T, uint64_t>(p, plan, in, out, stream)
                         : linear_grouped<T, uint32_t>(p, plan, in, out, stream);
}

}  // namespace

cudaError_t launch_resize_linear_fast(const ResizeParams& p, const LinearFastPlan& plan, const void* in, void* out,
                                      cudaStream_t stream) {
  if (plan.w_axis < 0 || plan.w_axis >= p.rank || plan.h_axis >= plan.w_axis || plan.group < 1 ||
      plan.inner % plan.group != 0)
    return cudaErrorInvalidValue;
  switch (p.kind) {
    case ScalarKind::kF32: return linear_of<float>(p, plan, in, out, stream);
    case ScalarKind::kF16: return linear_of<__half>(p, plan, in, out, stream);
    default: return cudaErrorInvalidValue;
  }
}

}  // namespace fovea::cuda::kernels
