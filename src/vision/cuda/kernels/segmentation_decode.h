// Launchers of the segmentation decoder kernels: per-pixel argmax over classes (ties: lower id) or
// the one-class threshold, nearest resize of a class-id mask, and palette colorization. Each
// thread handles one pixel; results equal the CPU references byte for byte. Framework-free.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

namespace fovea::vision::kernels {

struct SegmentationArgmaxParams {
  int64_t batch = 0;
  int64_t classes = 1;
  int64_t plane = 0;       // H * W
  bool fp16 = false;       // logits are __half (else float)
  bool int32_mask = false; // mask is int32 (else uint8)
  // classes == 1: a pixel is class 1 when its logit >= min_logit_for_one (never when
  // `never_one`). The host finds that logit so the decision equals the CPU's float sigmoid.
  float min_logit_for_one = 0.0f;
  bool never_one = false;
};

// logits [batch, classes, plane] -> mask [batch, plane].
cudaError_t launch_segmentation_argmax(const SegmentationArgmaxParams& params, const void* logits, void* mask,
                                       cudaStream_t stream);

struct MaskResizeParams {
  int64_t batch = 0;
  int64_t in_h = 1, in_w = 1;
  int64_t out_h = 1, out_w = 1;
  int element_size = 1;  // 1 (uint8) or 4 (int32)
};

// mask [batch, in_h, in_w] -> [batch, out_h, out_w]; out x reads in floor(x * in_w / out_w).
cudaError_t launch_mask_resize_nearest(const MaskResizeParams& params, const void* mask, void* out,
                                       cudaStream_t stream);

struct MaskColorizeParams {
  int64_t count = 0;        // mask elements
  bool int32_mask = false;  // else uint8
  uint8_t palette[256][3] = {};  // colour of id & 0xff
};

// mask [count] -> rgb [count, 3]. Negative ids are painted black; when `first_negative` is not
// null it receives the atomic minimum of their element indices (initialize it to ~0ull).
cudaError_t launch_mask_colorize(const MaskColorizeParams& params, const void* mask, uint8_t* rgb,
                                 unsigned long long* first_negative, cudaStream_t stream);

}  // namespace fovea::vision::kernels
