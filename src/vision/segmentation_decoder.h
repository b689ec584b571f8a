// CPU reference semantic-segmentation decoder: logits [B, C, H, W] to a class-id mask at
// network resolution, a nearest-neighbour resize of that mask, and a colorized RGB overlay.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "core/status.h"
#include "core/tensor.h"

namespace fovea::vision {

struct SegmentationParams {
  DType mask_dtype = DType::kUInt8;  // kUInt8 (C <= 256) or kInt32
  float sigmoid_threshold = 0.5f;    // C == 1: pixel is class 1 when sigmoid(logit) > this
};

// `logits` [B, C, H, W] (float32 or float16) to a mask [B, H, W]: per pixel the argmax class
// (ties: the lower class id); with C == 1, 1 where sigmoid(logit) > sigmoid_threshold, else 0.
Result<Tensor> decode_segmentation(const Tensor& logits, const SegmentationParams& params,
                                   const std::string& tensor_name = "output");

// Nearest-neighbour resize of a mask [B, H, W] (uint8 or int32) to [B, out_height, out_width]:
// destination pixel x reads source floor(x * W / out_width) (exact integer arithmetic).
Result<Tensor> resize_mask_nearest(const Tensor& mask, int64_t out_height, int64_t out_width);

// Fixed palette colour of a class id (the PASCAL VOC bit-interleaved palette; id 0 is black,
// ids wrap modulo 256).
std::array<uint8_t, 3> palette_color(int64_t class_id);

// A mask [B, H, W] (uint8 or int32, ids >= 0) as an RGB image [B, H, W, 3] uint8 coloured by
// palette_color.
Result<Tensor> colorize_mask(const Tensor& mask);

}  // namespace fovea::vision
