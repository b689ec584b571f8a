// Semantic-segmentation decoder on the GPU: logits [B, C, H, W] to a class-id mask on the device
// (argmax, ties to the lower id; C == 1: sigmoid threshold), nearest resize of a mask, and the
// palette colorization, each equal byte for byte to the CPU references in
// vision/segmentation_decoder.h. The *_into functions write into caller memory and never
// allocate or synchronize (capturable); the others allocate their result; the *_to_host ones
// synchronize and return host tensors.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <string>

#include "backends/cuda/gpu_kernel.h"
#include "core/status.h"
#include "core/tensor.h"
#include "engine/cuda/device_buffer.h"
#include "vision/segmentation_decoder.h"

namespace fovea::vision::cuda {

// Device memory plus the tensor view of it.
struct OwnedDeviceTensor {
  fovea::cuda::DeviceBuffer memory;
  fovea::cuda::DeviceTensor tensor;
};

// Allocates a device tensor of `dtype` and `dims` (errors name `what`).
Result<OwnedDeviceTensor> allocate_device_tensor(DType dtype, const Dims& dims, const char* what);
// Copies a device tensor to a new host tensor; synchronizes `stream`.
Result<Tensor> download_tensor(const fovea::cuda::DeviceTensor& device, cudaStream_t stream);

// logits [B, C, H, W] float32/float16 -> mask [B, H, W] of params.mask_dtype (uint8 or int32).
Status decode_segmentation_into(const fovea::cuda::DeviceTensor& logits, const SegmentationParams& params,
                                const fovea::cuda::DeviceTensor& mask, cudaStream_t stream,
                                const std::string& name = "output");
Result<OwnedDeviceTensor> decode_segmentation_device(const fovea::cuda::DeviceTensor& logits,
                                                     const SegmentationParams& params, cudaStream_t stream,
                                                     const std::string& name = "output");

// mask [B, h, w] (uint8 or int32) -> [B, out_height, out_width] of the same dtype; destination x
// reads source floor(x * w / out_width), like vision::resize_mask_nearest.
Status resize_mask_nearest_into(const fovea::cuda::DeviceTensor& mask, const fovea::cuda::DeviceTensor& out,
                                cudaStream_t stream);
Result<OwnedDeviceTensor> resize_mask_nearest_device(const fovea::cuda::DeviceTensor& mask, int64_t out_height,
                                                     int64_t out_width, cudaStream_t stream);

// mask [B, H, W] (uint8 or int32) -> RGB [B, H, W, 3] uint8 by vision::palette_color. A negative
// id (int32 masks only) is painted black here; colorize_mask_to_host reports it as an error like
// the CPU reference does.
Status colorize_mask_into(const fovea::cuda::DeviceTensor& mask, const fovea::cuda::DeviceTensor& rgb,
                          cudaStream_t stream);
Result<OwnedDeviceTensor> colorize_mask_device(const fovea::cuda::DeviceTensor& mask, cudaStream_t stream);

// Host conveniences (synchronize): the mask at network resolution, or resized to out_height x
// out_width when both are > 0; equal to decode_segmentation (+ resize_mask_nearest) on the CPU.
Result<Tensor> decode_segmentation_to_host(const fovea::cuda::DeviceTensor& logits, const SegmentationParams& params,
                                           cudaStream_t stream, int64_t out_height = 0, int64_t out_width = 0,
                                           const std::string& name = "output");
// Equal to vision::colorize_mask of the downloaded mask, errors included.
Result<Tensor> colorize_mask_to_host(const fovea::cuda::DeviceTensor& mask, cudaStream_t stream);

}  // namespace fovea::vision::cuda
