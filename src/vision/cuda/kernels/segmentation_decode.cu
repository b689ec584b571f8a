#include "vision/cuda/kernels/segmentation_decode.h"

#include <cuda_fp16.h>

namespace fovea::vision::kernels {
namespace {

constexpr int kThreads = 256;

unsigned blocks_for(int64_t n) {
  int64_t b = (n + kThreads - 1) / kThreads;
  if (b < 1) b = 1;
  if (b > 65535 * 8) b = 65535 * 8;  // grid-stride loops cover the rest
  return static_cast<unsigned>(b);
}

#define FOVEA_VISION_GRID_STRIDE_LOOP(i, n)                                                  \
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < (n); \
       i += static_cast<int64_t>(blockDim.x) * gridDim.x)

template <typename In, typename Mask>
__global__ void argmax_kernel(SegmentationArgmaxParams p, const In* logits, Mask* mask) {
  FOVEA_VISION_GRID_STRIDE_LOOP(i, p.batch * p.plane) {
    const int64_t b = i / p.plane, px = i - b * p.plane;
    const In* base = logits + b * p.classes * p.plane + px;
    int64_t cls = 0;
    if (p.classes == 1) {
      const float v = static_cast<float>(base[0]);
      cls = (!p.never_one && v >= p.min_logit_for_one) ? 1 : 0;  // NaN: 0
    } else {
      // Strictly greater replaces: ties keep the lower id, a NaN never wins (nor is beaten
      // when it is class 0), exactly as the CPU loop.
      float best = static_cast<float>(base[0]);
      for (int64_t c = 1; c < p.classes; ++c) {
        const float v = static_cast<float>(base[c * p.plane]);
        if (v > best) best = v, cls = c;
      }
    }
    mask[i] = static_cast<Mask>(cls);
  }
}

template <typename T>
__global__ void resize_nearest_kernel(MaskResizeParams p, const T* in, T* out) {
  FOVEA_VISION_GRID_STRIDE_LOOP(i, p.batch * p.out_h * p.out_w) {
    const int64_t x = i % p.out_w;
    const int64_t y = (i / p.out_w) % p.out_h;
    const int64_t b = i / (p.out_w * p.out_h);
    const int64_t sy = y * p.in_h / p.out_h;
    const int64_t sx = x * p.in_w / p.out_w;
    out[i] = in[(b * p.in_h + sy) * p.in_w + sx];
  }
}

template <typename Mask>
__global__ void colorize_kernel(MaskColorizeParams p, const Mask* mask, uint8_t* rgb,
                                unsigned long long* first_negative) {
  FOVEA_VISION_GRID_STRIDE_LOOP(i, p.count) {
    const int64_t id = static_cast<int64_t>(mask[i]);
    uint8_t r = 0, g = 0, b = 0;
    if (id < 0) {
      if (first_negative) atomicMin(first_negative, static_cast<unsigned long long>(i));
    } else {
      const int entry = static_cast<int>(id & 0xff);
      r = p.palette[entry][0];
      g = p.palette[entry][1];
      b = p.palette[entry][2];
    }
    rgb[3 * i] = r;
    rgb[3 * i + 1] = g;
    rgb[3 * i + 2] = b;
  }
}

// __half has no implicit conversion to float in every context: a float view for the loops above.
struct HalfValue {
  __half h;
  __device__ __forceinline__ explicit operator float() const { return __half2float(h); }
};

}  // namespace

cudaError_t launch_segmentation_argmax(const SegmentationArgmaxParams& params, const void* logits, void* mask,
                                       cudaStream_t stream) {
  const int64_t n = params.batch * params.plane;
  if (n == 0) return cudaSuccess;
  if (params.classes < 1) return cudaErrorInvalidValue;
  const unsigned blocks = blocks_for(n);
  if (params.fp16) {
    const auto* in = static_cast<const HalfValue*>(logits);
    if (params.int32_mask) argmax_kernel<<<blocks, kThreads, 0, stream>>>(params, in, static_cast<int32_t*>(mask));
    else argmax_kernel<<<blocks, kThreads, 0, stream>>>(params, in, static_cast<uint8_t*>(mask));
  } else {
    const auto* in = static_cast<const float*>(logits);
    if (params.int32_mask) argmax_kernel<<<blocks, kThreads, 0, stream>>>(params, in, static_cast<int32_t*>(mask));
    else argmax_kernel<<<blocks, kThreads, 0, stream>>>(params, in, static_cast<uint8_t*>(mask));
  }
  return cudaGetLastError();
}

cudaError_t launch_mask_resize_nearest(const MaskResizeParams& params, const void* mask, void* out,
                                       cudaStream_t stream) {
  const int64_t n = params.batch * params.out_h * params.out_w;
  if (n == 0) return cudaSuccess;
  if (params.in_h < 1 || params.in_w < 1 || params.out_h < 1 || params.out_w < 1) return cudaErrorInvalidValue;
  if (params.element_size == 1) {
    resize_nearest_kernel<<<blocks_for(n), kThreads, 0, stream>>>(params, static_cast<const uint8_t*>(mask),
                                                                  static_cast<uint8_t*>(out));
  } else if (params.element_size == 4) {
    resize_nearest_kernel<<<blocks_for(n), kThreads, 0, stream>>>(params, static_cast<const int32_t*>(mask),
                                                                  static_cast<int32_t*>(out));
  } else {
    return cudaErrorInvalidValue;
  }
  return cudaGetLastError();
}

cudaError_t launch_mask_colorize(const MaskColorizeParams& params, const void* mask, uint8_t* rgb,
                                 unsigned long long* first_negative, cudaStream_t stream) {
  if (params.count == 0) return cudaSuccess;
  if (params.int32_mask) {
    colorize_kernel<<<blocks_for(params.count), kThreads, 0, stream>>>(params, static_cast<const int32_t*>(mask),
                                                                       rgb, first_negative);
  } else {
    colorize_kernel<<<blocks_for(params.count), kThreads, 0, stream>>>(params, static_cast<const uint8_t*>(mask),
                                                                       rgb, first_negative);
  }
  return cudaGetLastError();
}

}  // namespace fovea::vision::kernels
