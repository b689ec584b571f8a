// The fused image-encoder kernel. Every float operation mirrors vision/image_encoder.cpp and
// vision/image_format.cpp in the same order; __f*_rn / __d*_rn intrinsics keep nvcc from
// contracting a multiply and an add into an FMA, which the x86-64 CPU reference never does.
#include "vision/cuda/kernels/image_encode.h"

#include <cuda_fp16.h>

namespace fovea::vision::kernels {
namespace {

struct Rgb {
  float c[3];
};

// std::min(255.0f, std::max(0.0f, v)) written out, NaN and signed-zero behaviour included.
__device__ __forceinline__ float clamp_255(float v) {
  const float lo = (0.0f < v) ? v : 0.0f;
  return (lo < 255.0f) ? lo : 255.0f;
}

__device__ __forceinline__ Rgb yuv_to_rgb(float y, float u, float v) {
  const float luma = __fmul_rn(1.164f, fmaxf(__fsub_rn(y, 16.0f), 0.0f));  // as the CPU: Y below 16 clamps (OpenCV)
  const float cb = __fsub_rn(u, 128.0f);
  const float cr = __fsub_rn(v, 128.0f);
  Rgb out;
  out.c[0] = clamp_255(__fadd_rn(luma, __fmul_rn(1.596f, cr)));
  out.c[1] = clamp_255(__fsub_rn(__fsub_rn(luma, __fmul_rn(0.813f, cr)), __fmul_rn(0.391f, cb)));
  out.c[2] = clamp_255(__fadd_rn(luma, __fmul_rn(2.018f, cb)));
  return out;
}

// vision::read_pixel_rgb on device memory; (x, y) are source-image coordinates.
__device__ __forceinline__ Rgb read_pixel_rgb(const ImageEncodeParams& p, const ImageEncodeBuffers& b, int x,
                                              int y) {
  const uint8_t* row = b.rows + static_cast<uint64_t>(y - p.first_row) * p.step;
  const uint64_t ux = static_cast<uint64_t>(x);
  switch (p.encoding) {
    case SourceEncoding::kRgb8: {
      const uint8_t* q = row + 3 * ux;
      return {{float(q[0]), float(q[1]), float(q[2])}};
    }
    case SourceEncoding::kBgr8: {
      const uint8_t* q = row + 3 * ux;
      return {{float(q[2]), float(q[1]), float(q[0])}};
    }
    case SourceEncoding::kRgba8: {
      const uint8_t* q = row + 4 * ux;
      return {{float(q[0]), float(q[1]), float(q[2])}};
    }
    case SourceEncoding::kBgra8: {
      const uint8_t* q = row + 4 * ux;
      return {{float(q[2]), float(q[1]), float(q[0])}};
    }
    case SourceEncoding::kMono8: {
      const float g = row[ux];
      return {{g, g, g}};
    }
    case SourceEncoding::kMono16: {
      // Little-endian 16-bit value >> 8 is its high byte; byte loads need no alignment.
      const float g = row[2 * ux + 1];
      return {{g, g, g}};
    }
    case SourceEncoding::kYuyv: {
      const uint8_t* pair = row + 4 * (ux / 2);  // Y0 U Y1 V
      return yuv_to_rgb(pair[(ux % 2) * 2], pair[1], pair[3]);
    }
    case SourceEncoding::kUyvy: {
      const uint8_t* pair = row + 4 * (ux / 2);  // U Y0 V Y1
      return yuv_to_rgb(pair[1 + (ux % 2) * 2], pair[0], pair[2]);
    }
    case SourceEncoding::kNv12: {
      const uint8_t* uv = b.uv_rows + static_cast<uint64_t>(y / 2 - p.uv_first_row) * p.step + 2 * (ux / 2);
      return yuv_to_rgb(row[ux], uv[0], uv[1]);
    }
  }
  return {{0.0f, 0.0f, 0.0f}};
}

struct LinearTap {
  int i0;
  int i1;
  float weight1;
};

// linear_tap of image_encoder.cpp, in double with unfused operations.
__device__ __forceinline__ LinearTap linear_tap(int d, double sampling, int size) {
  const double f = __dsub_rn(__dmul_rn(__dadd_rn(static_cast<double>(d), 0.5), sampling), 0.5);
  double i = floor(f);
  double a = __dsub_rn(f, i);
  if (i < 0) {
    i = 0;
    a = 0;
  }
  if (i >= size - 1) {
    i = size - 1;
    a = 0;
  }
  const int i0 = static_cast<int>(i);
  return {i0, min(i0 + 1, size - 1), static_cast<float>(a)};
}

__device__ __forceinline__ int nearest_index(int d, double sampling, int size) {
  return min(static_cast<int>(floor(__dmul_rn(static_cast<double>(d), sampling))), size - 1);
}

// p0 * (1 - a) + p1 * a with each product and the sum rounded separately, as on the CPU.
__device__ __forceinline__ float blend(float p0, float p1, float a) {
  return __fadd_rn(__fmul_rn(p0, __fsub_rn(1.0f, a)), __fmul_rn(p1, a));
}

__device__ __forceinline__ Rgb sample(const ImageEncodeParams& p, const ImageEncodeBuffers& b, int dx, int dy) {
  if (p.nearest) {
    return read_pixel_rgb(p, b, p.crop_x + nearest_index(dx, p.sampling_x, p.crop_w),
                          p.crop_y + nearest_index(dy, p.sampling_y, p.crop_h));
  }
  const LinearTap tx = linear_tap(dx, p.sampling_x, p.crop_w);
  const LinearTap ty = linear_tap(dy, p.sampling_y, p.crop_h);
  const Rgb p00 = read_pixel_rgb(p, b, p.crop_x + tx.i0, p.crop_y + ty.i0);
  const Rgb p01 = read_pixel_rgb(p, b, p.crop_x + tx.i1, p.crop_y + ty.i0);
  const Rgb p10 = read_pixel_rgb(p, b, p.crop_x + tx.i0, p.crop_y + ty.i1);
  const Rgb p11 = read_pixel_rgb(p, b, p.crop_x + tx.i1, p.crop_y + ty.i1);
  Rgb out;
#pragma unroll
  for (int c = 0; c < 3; ++c) {
    const float top = blend(p00.c[c], p01.c[c], tx.weight1);
    const float bottom = blend(p10.c[c], p11.c[c], tx.weight1);
    out.c[c] = blend(top, bottom, ty.weight1);
  }
  return out;
}

__device__ __forceinline__ void store(float* out, uint64_t i, float v) { out[i] = v; }
__device__ __forceinline__ void store(__half* out, uint64_t i, float v) { out[i] = __float2half_rn(v); }

template <typename Out>
__global__ void image_encode_kernel(ImageEncodeParams p, ImageEncodeBuffers b) {
  const int ox = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  const int oy = static_cast<int>(blockIdx.y * blockDim.y + threadIdx.y);
  if (ox >= p.out_w || oy >= p.out_h) return;
  const int dx = ox - p.pad_x;
  const int dy = oy - p.pad_y;
  float normalized[3] = {p.pad_normalized[0], p.pad_normalized[1], p.pad_normalized[2]};
  if (dx >= 0 && dx < p.resized_w && dy >= 0 && dy < p.resized_h) {
    const Rgb rgb = sample(p, b, dx, dy);
#pragma unroll
    for (int c = 0; c < 3; ++c) {
      normalized[c] = __fdiv_rn(__fsub_rn(__fmul_rn(rgb.c[c], p.scale), p.mean[c]), p.stddev[c]);
    }
  }
  Out* out = static_cast<Out*>(b.out_slot);
  const uint64_t plane = static_cast<uint64_t>(p.out_w) * static_cast<uint64_t>(p.out_h);
  const uint64_t pixel = static_cast<uint64_t>(oy) * static_cast<uint64_t>(p.out_w) + static_cast<uint64_t>(ox);
#pragma unroll
  for (int c = 0; c < 3; ++c) {
    const float v = p.bgr ? normalized[2 - c] : normalized[c];  // constant indices after unrolling
    store(out, p.nhwc ? pixel * 3 + c : c * plane + pixel, v);
  }
}

}  // namespace

cudaError_t launch_image_encode(const ImageEncodeParams& params, const ImageEncodeBuffers& buffers,
                                cudaStream_t stream) {
  if (params.out_w <= 0 || params.out_h <= 0) return cudaErrorInvalidValue;
  // 64 x 4 threads: a warp covers 32 neighbouring network pixels of one row, so NCHW stores of
  // each channel plane coalesce.
  const dim3 block(64, 4);
  const dim3 grid((static_cast<unsigned>(params.out_w) + block.x - 1) / block.x,
                  (static_cast<unsigned>(params.out_h) + block.y - 1) / block.y);
  if (params.fp16) {
    image_encode_kernel<__half><<<grid, block, 0, stream>>>(params, buffers);
  } else {
    image_encode_kernel<float><<<grid, block, 0, stream>>>(params, buffers);
  }
  return cudaGetLastError();
}

}  // namespace fovea::vision::kernels
