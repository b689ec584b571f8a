// Launcher of the fused image-encoder kernel: one thread per network pixel converts the source
// encoding to RGB, samples the crop (bilinear or nearest), normalizes, orders the channels and
// stores FP32 or FP16 into one batch slot (NCHW or NHWC). The host computes the geometry and the
// pad pixel; the kernel repeats the CPU reference's float operations one by one with explicitly
// rounded intrinsics (no FMA contraction), so its output equals the CPU encoder's bit for bit.
// Framework-free (DESIGN.md rule 3).
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

namespace fovea::vision::kernels {

// Same values and order as vision::PixelEncoding.
enum class SourceEncoding : int { kRgb8, kBgr8, kRgba8, kBgra8, kMono8, kMono16, kYuyv, kUyvy, kNv12 };

struct ImageEncodeParams {
  SourceEncoding encoding = SourceEncoding::kRgb8;
  uint64_t step = 0;          // bytes per source row (both nv12 planes)
  int64_t first_row = 0;      // source row held at ImageEncodeBuffers::rows
  int64_t uv_first_row = 0;   // nv12: chroma row held at ImageEncodeBuffers::uv_rows
  int crop_x = 0, crop_y = 0, crop_w = 1, crop_h = 1;  // region sampled, source pixels
  int out_w = 1, out_h = 1;   // network input size
  int resized_w = 1, resized_h = 1, pad_x = 0, pad_y = 0;
  double sampling_x = 1.0, sampling_y = 1.0;  // crop size / resized size
  bool nearest = false;       // false: bilinear
  float scale = 1.0f;
  float mean[3] = {0.0f, 0.0f, 0.0f};    // RGB order
  float stddev[3] = {1.0f, 1.0f, 1.0f};  // RGB order
  float pad_normalized[3] = {0.0f, 0.0f, 0.0f};  // RGB order, computed on the host
  bool bgr = false;           // output channel order B, G, R (else R, G, B)
  bool nhwc = false;
  bool fp16 = false;
};

struct ImageEncodeBuffers {
  const uint8_t* rows = nullptr;     // source row `first_row` (device)
  const uint8_t* uv_rows = nullptr;  // nv12 chroma row `uv_first_row` (device); unused otherwise
  void* out_slot = nullptr;          // first element of the batch slot (float or __half)
};

// Enqueues the kernel; returns the launch error, if any.
cudaError_t launch_image_encode(const ImageEncodeParams& params, const ImageEncodeBuffers& buffers,
                                cudaStream_t stream);

}  // namespace fovea::vision::kernels
