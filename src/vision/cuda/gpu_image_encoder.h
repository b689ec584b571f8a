// The CUDA image encoder: one fused kernel turns a camera frame in device memory (any encoding,
// row step, crop) into slot k of a batched network input, exactly as the CPU reference
// vision::encode_image does (same geometry from compute_letterbox_transform, same float
// operations in the same order, no FMA contraction), so FP32 and FP16 outputs are bit-identical
// to the CPU's. GpuImageEncoder adds the upload of a host frame through reusable staging buffers.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "backends/cuda/gpu_kernel.h"
#include "core/status.h"
#include "engine/cuda/device_buffer.h"
#include "vision/image_encoder.h"
#include "vision/image_format.h"
#include "vision/letterbox_transform.h"

namespace fovea::vision::cuda {

// device_image.data is DEVICE memory (same geometry rules and validation as a host ImageView;
// size_bytes is the readable device bytes). batch: device tensor [N,3,H,W] or [N,H,W,3], float32
// or float16 as params say; only slot `slot` is written. Asynchronous on `stream` (nothing
// synchronizes; launch errors are returned). Returns the same transform as the CPU encoder.
Result<LetterboxTransform> encode_image_device(const ImageView& device_image, const EncoderParams& params,
                                               const fovea::cuda::DeviceTensor& batch, int64_t slot,
                                               cudaStream_t stream);

// Uploads a HOST frame through its own pinned + device staging (allocated on first use, grown when
// a larger frame comes) and encodes it. Only the rows the crop needs are copied. The host frame may
// be reused as soon as the call returns. Reusing the staging waits (host side) on an event recorded
// after the previous call's kernel, so calls may come back to back on any stream.
class GpuImageEncoder {
 public:
  GpuImageEncoder() = default;
  ~GpuImageEncoder();
  GpuImageEncoder(const GpuImageEncoder&) = delete;
  GpuImageEncoder& operator=(const GpuImageEncoder&) = delete;

  Result<LetterboxTransform> encode_host_image(const ImageView& host_image, const EncoderParams& params,
                                               const fovea::cuda::DeviceTensor& batch, int64_t slot,
                                               cudaStream_t stream);

  // For callers that keep the frame alive and unchanged until `stream` has finished this work
  // (a runner that synchronizes the stream before returning): when host_image.data is page-locked
  // (cudaHostAlloc / cudaHostRegister) the rows are DMA'd straight from it, skipping the staging
  // memcpy that dominates the upload of a large frame; otherwise exactly encode_host_image.
  Result<LetterboxTransform> encode_host_image_no_copy(const ImageView& host_image, const EncoderParams& params,
                                                       const fovea::cuda::DeviceTensor& batch, int64_t slot,
                                                       cudaStream_t stream);

  // Bytes the last encode call copied to the device, and whether they came straight from the
  // frame (for benchmarks and tests).
  size_t last_upload_bytes() const { return last_upload_bytes_; }
  bool last_upload_was_direct() const { return last_upload_was_direct_; }

 private:
  Status reserve(size_t bytes, bool pinned_too);
  Result<LetterboxTransform> encode_uploaded(const ImageView& host_image, const EncoderParams& params,
                                             const fovea::cuda::DeviceTensor& batch, int64_t slot,
                                             cudaStream_t stream, bool direct_from_frame);

  fovea::cuda::PinnedBuffer pinned_;
  fovea::cuda::DeviceBuffer device_;
  cudaEvent_t staging_free_ = nullptr;  // recorded after the kernel that last read the staging
  bool staging_in_use_ = false;
  size_t last_upload_bytes_ = 0;
  bool last_upload_was_direct_ = false;
};

}  // namespace fovea::vision::cuda
