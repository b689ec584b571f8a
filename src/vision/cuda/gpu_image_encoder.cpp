#include "vision/cuda/gpu_image_encoder.h"

#include <algorithm>
#include <cstring>

#include "backends/cuda/cuda_check.h"
#include "vision/cuda/kernels/image_encode.h"

namespace fovea::vision::cuda {
namespace {

using fovea::cuda::DeviceTensor;

// Checks everything the CPU encoder checks, with the batch on the device.
struct CheckedEncode {
  LetterboxTransform transform;
  CropRoi crop;
  LetterboxGeometry geometry;
  void* out_slot = nullptr;
};

Result<CheckedEncode> check_encode(const ImageView& image, const EncoderParams& params, const DeviceTensor& batch,
                                   int64_t slot) {
  FOVEA_RETURN_IF_ERROR(validate_image_view(image));
  CheckedEncode c;
  FOVEA_ASSIGN_OR_RETURN(c.transform, compute_letterbox_transform(image.width, image.height, params));
  if (!batch.defined() || batch.data == nullptr) return invalid_argument("batch is undefined (no device memory)");
  FOVEA_RETURN_IF_ERROR(validate_batch_output(batch.dims, batch.dtype, slot, params));
  c.crop = params.crop.value_or(CropRoi{0, 0, image.width, image.height});
  c.geometry = compute_letterbox_geometry(c.crop.width, c.crop.height, params.network_image_width,
                                          params.network_image_height, params.enable_padding,
                                          params.letterbox_centered);
  const size_t slot_bytes = size_t{3} * static_cast<size_t>(params.network_image_width) *
                            static_cast<size_t>(params.network_image_height) * dtype_size(batch.dtype);
  c.out_slot = static_cast<std::byte*>(batch.data) + static_cast<size_t>(slot) * slot_bytes;
  return c;
}

kernels::ImageEncodeParams kernel_params(const ImageView& image, const EncoderParams& params, const CheckedEncode& c) {
  kernels::ImageEncodeParams k;
  k.encoding = static_cast<kernels::SourceEncoding>(static_cast<int>(image.encoding));
  k.step = image.step;
  k.crop_x = c.crop.x;
  k.crop_y = c.crop.y;
  k.crop_w = c.crop.width;
  k.crop_h = c.crop.height;
  k.out_w = params.network_image_width;
  k.out_h = params.network_image_height;
  k.resized_w = c.geometry.resized_w;
  k.resized_h = c.geometry.resized_h;
  k.pad_x = c.geometry.pad_x;
  k.pad_y = c.geometry.pad_y;
  // The same doubles the CPU's CropSampler computes.
  k.sampling_x = static_cast<double>(c.crop.width) / c.geometry.resized_w;
  k.sampling_y = static_cast<double>(c.crop.height) / c.geometry.resized_h;
  k.nearest = params.interpolation == Interpolation::kNearest;
  k.scale = params.scale;
  for (int ch = 0; ch < 3; ++ch) {
    k.mean[ch] = params.image_mean[ch];
    k.stddev[ch] = params.image_stddev[ch];
    // Computed here with the CPU reference's expression, so the pad is bit-identical.
    k.pad_normalized[ch] = (params.pad_value * params.scale - params.image_mean[ch]) / params.image_stddev[ch];
  }
  k.bgr = params.output_channel_order == ChannelOrder::kBgr;
  k.nhwc = params.output_layout == OutputLayout::kNhwc;
  k.fp16 = params.output_dtype == DType::kFloat16;
  return k;
}

// Byte range of the rows [first, last] of a plane starting at `plane` (the last row needs only its
// pixels, as in required_bytes).
struct RowSpan {
  const uint8_t* begin = nullptr;
  size_t bytes = 0;
};
RowSpan row_span(const uint8_t* plane, size_t step, size_t row_len, int64_t first, int64_t last) {
  return {plane + static_cast<size_t>(first) * step, static_cast<size_t>(last - first) * step + row_len};
}

constexpr size_t kPlaneAlignment = 256;
// Host-to-pinned copies run in chunks so the DMA of one chunk overlaps the memcpy of the next.
constexpr size_t kUploadChunkBytes = size_t{1} << 20;

}  // namespace

Result<LetterboxTransform> encode_image_device(const ImageView& device_image, const EncoderParams& params,
                                               const DeviceTensor& batch, int64_t slot, cudaStream_t stream) {
  FOVEA_ASSIGN_OR_RETURN(CheckedEncode c, check_encode(device_image, params, batch, slot));
  kernels::ImageEncodeParams k = kernel_params(device_image, params, c);
  kernels::ImageEncodeBuffers b;
  b.rows = device_image.data;
  b.uv_rows = device_image.data + static_cast<size_t>(device_image.height) * device_image.step;
  b.out_slot = c.out_slot;
  FOVEA_CUDA_RETURN_IF_ERROR(kernels::launch_image_encode(k, b, stream));
  return c.transform;
}

GpuImageEncoder::~GpuImageEncoder() {
  if (staging_free_) {
    if (staging_in_use_) cudaEventSynchronize(staging_free_);
    cudaEventDestroy(staging_free_);
  }
}

Status GpuImageEncoder::reserve(size_t bytes, bool pinned_too) {
  if (!staging_free_) FOVEA_CUDA_RETURN_IF_ERROR(cudaEventCreateWithFlags(&staging_free_, cudaEventDisableTiming));
  // The previous call's copy and kernel must be done with both buffers before they change.
  if (staging_in_use_) {
    FOVEA_CUDA_RETURN_IF_ERROR(cudaEventSynchronize(staging_free_));
    staging_in_use_ = false;
  }
  if (device_.size() < bytes) {
    device_.reset();
    FOVEA_ASSIGN_OR_RETURN(device_, fovea::cuda::DeviceBuffer::allocate(bytes, "the image encoder's staging"));
  }
  return pinned_too ? pinned_.reserve(bytes) : Status::ok();
}

Result<LetterboxTransform> GpuImageEncoder::encode_host_image(const ImageView& host_image,
                                                              const EncoderParams& params, const DeviceTensor& batch,
                                                              int64_t slot, cudaStream_t stream) {
  return encode_uploaded(host_image, params, batch, slot, stream, /*direct_from_frame=*/false);
}

Result<LetterboxTransform> GpuImageEncoder::encode_host_image_no_copy(const ImageView& host_image,
                                                                      const EncoderParams& params,
                                                                      const DeviceTensor& batch, int64_t slot,
                                                                      cudaStream_t stream) {
  cudaPointerAttributes attributes{};
  const bool pinned = host_image.data != nullptr &&
                      cudaPointerGetAttributes(&attributes, host_image.data) == cudaSuccess &&
                      attributes.type == cudaMemoryTypeHost;
  if (!pinned) cudaGetLastError();  // older drivers report pageable memory as an error
  return encode_uploaded(host_image, params, batch, slot, stream, pinned);
}

Result<LetterboxTransform> GpuImageEncoder::encode_uploaded(const ImageView& host_image, const EncoderParams& params,
                                                            const DeviceTensor& batch, int64_t slot,
                                                            cudaStream_t stream, bool direct_from_frame) {
  FOVEA_ASSIGN_OR_RETURN(CheckedEncode c, check_encode(host_image, params, batch, slot));
  // Only the rows the crop samples travel (bilinear taps stay inside the crop).
  const size_t row_len = row_bytes(host_image.encoding, host_image.width);
  const int64_t first_row = c.crop.y;
  const int64_t last_row = int64_t{c.crop.y} + c.crop.height - 1;
  const RowSpan luma = row_span(host_image.data, host_image.step, row_len, first_row, last_row);
  RowSpan chroma;
  size_t chroma_offset = 0;
  if (host_image.encoding == PixelEncoding::kNv12) {
    const uint8_t* uv_plane = host_image.data + static_cast<size_t>(host_image.height) * host_image.step;
    chroma = row_span(uv_plane, host_image.step, row_len, first_row / 2, last_row / 2);
    chroma_offset = (luma.bytes + kPlaneAlignment - 1) / kPlaneAlignment * kPlaneAlignment;
  }
  const size_t total = chroma.bytes > 0 ? chroma_offset + chroma.bytes : luma.bytes;
  FOVEA_RETURN_IF_ERROR(reserve(total, !direct_from_frame));

  std::byte* pinned = pinned_.data();
  std::byte* device = device_.bytes_ptr();
  auto upload = [&](const RowSpan& span, size_t offset) -> Status {
    if (direct_from_frame) {
      FOVEA_CUDA_RETURN_IF_ERROR(
          cudaMemcpyAsync(device + offset, span.begin, span.bytes, cudaMemcpyHostToDevice, stream));
      return Status::ok();
    }
    for (size_t done = 0; done < span.bytes; done += kUploadChunkBytes) {
      const size_t n = std::min(kUploadChunkBytes, span.bytes - done);
      std::memcpy(pinned + offset + done, span.begin + done, n);
      FOVEA_CUDA_RETURN_IF_ERROR(
          cudaMemcpyAsync(device + offset + done, pinned + offset + done, n, cudaMemcpyHostToDevice, stream));
    }
    return Status::ok();
  };
  Status status = upload(luma, 0);
  if (status.is_ok() && chroma.bytes > 0) status = upload(chroma, chroma_offset);
  if (status.is_ok()) {
    kernels::ImageEncodeParams k = kernel_params(host_image, params, c);
    k.first_row = first_row;
    k.uv_first_row = first_row / 2;
    kernels::ImageEncodeBuffers b;
    b.rows = reinterpret_cast<const uint8_t*>(device);
    b.uv_rows = reinterpret_cast<const uint8_t*>(device + chroma_offset);
    b.out_slot = c.out_slot;
    const cudaError_t launched = kernels::launch_image_encode(k, b, stream);
    if (launched == cudaSuccess) {
      last_upload_bytes_ = luma.bytes + chroma.bytes;
      last_upload_was_direct_ = direct_from_frame;
    } else {
      status = fovea::cuda::cuda_status(launched, "launch_image_encode");
    }
  }
  // Whatever was enqueued still reads the staging: the next call waits for it.
  const cudaError_t recorded = cudaEventRecord(staging_free_, stream);
  if (recorded == cudaSuccess) {
    staging_in_use_ = true;
  } else {
    // Without the event nothing tells the next call when the staging is free: wait now.
    cudaStreamSynchronize(stream);
    if (status.is_ok()) status = fovea::cuda::cuda_status(recorded, "cudaEventRecord");
  }
  FOVEA_RETURN_IF_ERROR(status);
  return c.transform;
}

}  // namespace fovea::vision::cuda
