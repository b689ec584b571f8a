#include "vision/cuda/gpu_segmentation_decoder.h"

#include <array>
#include <cstring>
#include <optional>

#include "backends/cuda/cuda_check.h"
#include "vision/cuda/kernels/segmentation_decode.h"
#include "vision/cuda/sigmoid_threshold.h"
#include "vision/cuda/stream_ordered_buffer.h"

namespace fovea::vision::cuda {
namespace {

using fovea::cuda::DeviceTensor;

Status check_mask(const DeviceTensor& mask, const char* what) {
  if (!mask.defined() || mask.dims.size() != 3)
    return invalid_argument("{}: mask has shape {}; expected [B, H, W]", what, dims_to_string(mask.dims));
  if (mask.dtype != DType::kUInt8 && mask.dtype != DType::kInt32)
    return unsupported("{}: mask has dtype {}; expected uint8 or int32", what, dtype_name(mask.dtype));
  for (int64_t d : mask.dims)
    if (d < 0) return invalid_argument("{}: mask has shape {}", what, dims_to_string(mask.dims));
  if (mask.data == nullptr && mask.numel() > 0) return invalid_argument("{}: mask has no device memory", what);
  return Status::ok();
}

Status check_output(const DeviceTensor& out, DType dtype, const Dims& dims, const char* what) {
  if (out.dtype != dtype || out.dims != dims)
    return invalid_argument("{}: output is {} {}; expected {} {}", what, dtype_name(out.dtype),
                            dims_to_string(out.dims), dtype_name(dtype), dims_to_string(dims));
  if (out.data == nullptr && out.numel() > 0) return invalid_argument("{}: output has no device memory", what);
  return Status::ok();
}

// The logits checks of the CPU reference, same messages.
Result<Dims> mask_dims_for(const DeviceTensor& logits, const SegmentationParams& params, const std::string& name) {
  if (!logits.defined()) return invalid_argument("tensor '{}' is undefined", name);
  if (logits.dtype != DType::kFloat32 && logits.dtype != DType::kFloat16)
    return unsupported("tensor '{}' has dtype {}; decoders read float32 or float16", name, dtype_name(logits.dtype));
  const Dims& d = logits.dims;
  if (d.size() != 4 || d[1] < 1 || d[0] < 0 || d[2] < 0 || d[3] < 0)
    return invalid_argument("tensor '{}' has shape {}; expected segmentation logits [B, C, H, W]", name,
                            dims_to_string(d));
  if (params.mask_dtype != DType::kUInt8 && params.mask_dtype != DType::kInt32)
    return unsupported("segmentation mask dtype {} is not uint8 or int32", dtype_name(params.mask_dtype));
  if (params.mask_dtype == DType::kUInt8 && d[1] > 256)
    return invalid_argument("tensor '{}' has {} classes, too many for a uint8 mask; use int32", name, d[1]);
  if (logits.data == nullptr && logits.numel() > 0) return invalid_argument("tensor '{}' has no device memory", name);
  return Dims{d[0], d[2], d[3]};
}

}  // namespace

Result<OwnedDeviceTensor> allocate_device_tensor(DType dtype, const Dims& dims, const char* what) {
  OwnedDeviceTensor t;
  t.tensor.dtype = dtype;
  t.tensor.dims = dims;
  FOVEA_ASSIGN_OR_RETURN(t.memory, fovea::cuda::DeviceBuffer::allocate(t.tensor.nbytes(), what));
  t.tensor.data = t.memory.get();
  return t;
}

Result<Tensor> download_tensor(const DeviceTensor& device, cudaStream_t stream) {
  FOVEA_ASSIGN_OR_RETURN(Tensor host, Tensor::allocate(device.dtype, device.dims));
  if (device.nbytes() > 0) {
    if (device.data == nullptr) return invalid_argument("download_tensor: the device tensor has no memory");
    FOVEA_CUDA_RETURN_IF_ERROR(
        cudaMemcpyAsync(host.raw_data(), device.data, device.nbytes(), cudaMemcpyDeviceToHost, stream));
  }
  FOVEA_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream));
  return host;
}

Status decode_segmentation_into(const DeviceTensor& logits, const SegmentationParams& params, const DeviceTensor& mask,
                                cudaStream_t stream, const std::string& name) {
  FOVEA_ASSIGN_OR_RETURN(Dims mask_dims, mask_dims_for(logits, params, name));
  FOVEA_RETURN_IF_ERROR(check_output(mask, params.mask_dtype, mask_dims, "decode_segmentation"));
  kernels::SegmentationArgmaxParams p;
  p.batch = logits.dims[0];
  p.classes = logits.dims[1];
  p.plane = logits.dims[2] * logits.dims[3];
  p.fp16 = logits.dtype == DType::kFloat16;
  p.int32_mask = params.mask_dtype == DType::kInt32;
  if (p.classes == 1) {
    const std::optional<float> min_logit = min_logit_above_sigmoid_threshold(params.sigmoid_threshold);
    p.never_one = !min_logit.has_value();
    p.min_logit_for_one = min_logit.value_or(0.0f);
  }
  FOVEA_CUDA_RETURN_IF_ERROR(kernels::launch_segmentation_argmax(p, logits.data, mask.data, stream));
  return Status::ok();
}

Result<OwnedDeviceTensor> decode_segmentation_device(const DeviceTensor& logits, const SegmentationParams& params,
                                                     cudaStream_t stream, const std::string& name) {
  FOVEA_ASSIGN_OR_RETURN(Dims mask_dims, mask_dims_for(logits, params, name));
  FOVEA_ASSIGN_OR_RETURN(OwnedDeviceTensor mask,
                         allocate_device_tensor(params.mask_dtype, mask_dims, "the segmentation mask"));
  FOVEA_RETURN_IF_ERROR(decode_segmentation_into(logits, params, mask.tensor, stream, name));
  return mask;
}

Status resize_mask_nearest_into(const DeviceTensor& mask, const DeviceTensor& out, cudaStream_t stream) {
  FOVEA_RETURN_IF_ERROR(check_mask(mask, "resize_mask_nearest"));
  if (out.dims.size() != 3 || out.dims[1] < 1 || out.dims[2] < 1)
    return invalid_argument("resize_mask_nearest: output has shape {}; expected [B, H, W] with positive H, W",
                            dims_to_string(out.dims));
  const int64_t batch = mask.dims[0], h = mask.dims[1], w = mask.dims[2];
  if ((h < 1 || w < 1) && batch > 0)
    return invalid_argument("resize_mask_nearest: mask has shape {}, empty image", dims_to_string(mask.dims));
  FOVEA_RETURN_IF_ERROR(check_output(out, mask.dtype, Dims{batch, out.dims[1], out.dims[2]}, "resize_mask_nearest"));
  kernels::MaskResizeParams p;
  p.batch = batch;
  p.in_h = h;
  p.in_w = w;
  p.out_h = out.dims[1];
  p.out_w = out.dims[2];
  p.element_size = static_cast<int>(dtype_size(mask.dtype));
  FOVEA_CUDA_RETURN_IF_ERROR(kernels::launch_mask_resize_nearest(p, mask.data, out.data, stream));
  return Status::ok();
}

Result<OwnedDeviceTensor> resize_mask_nearest_device(const DeviceTensor& mask, int64_t out_height, int64_t out_width,
                                                     cudaStream_t stream) {
  FOVEA_RETURN_IF_ERROR(check_mask(mask, "resize_mask_nearest"));
  if (out_height < 1 || out_width < 1)
    return invalid_argument("resize_mask_nearest: output size {}x{} must be positive", out_width, out_height);
  FOVEA_ASSIGN_OR_RETURN(OwnedDeviceTensor out, allocate_device_tensor(mask.dtype, {mask.dims[0], out_height, out_width},
                                                                       "the resized mask"));
  FOVEA_RETURN_IF_ERROR(resize_mask_nearest_into(mask, out.tensor, stream));
  return out;
}

namespace {

kernels::MaskColorizeParams colorize_params(const DeviceTensor& mask) {
  kernels::MaskColorizeParams p;
  p.count = mask.numel();
  p.int32_mask = mask.dtype == DType::kInt32;
  for (int id = 0; id < 256; ++id) {
    const std::array<uint8_t, 3> rgb = palette_color(id);
    std::memcpy(p.palette[id], rgb.data(), 3);
  }
  return p;
}

Dims rgb_dims(const DeviceTensor& mask) { return {mask.dims[0], mask.dims[1], mask.dims[2], 3}; }

}  // namespace

Status colorize_mask_into(const DeviceTensor& mask, const DeviceTensor& rgb, cudaStream_t stream) {
  FOVEA_RETURN_IF_ERROR(check_mask(mask, "colorize_mask"));
  FOVEA_RETURN_IF_ERROR(check_output(rgb, DType::kUInt8, rgb_dims(mask), "colorize_mask"));
  FOVEA_CUDA_RETURN_IF_ERROR(kernels::launch_mask_colorize(colorize_params(mask), mask.data,
                                                           static_cast<uint8_t*>(rgb.data), nullptr, stream));
  return Status::ok();
}

Result<OwnedDeviceTensor> colorize_mask_device(const DeviceTensor& mask, cudaStream_t stream) {
  FOVEA_RETURN_IF_ERROR(check_mask(mask, "colorize_mask"));
  FOVEA_ASSIGN_OR_RETURN(OwnedDeviceTensor rgb, allocate_device_tensor(DType::kUInt8, rgb_dims(mask), "the colorized mask"));
  FOVEA_RETURN_IF_ERROR(colorize_mask_into(mask, rgb.tensor, stream));
  return rgb;
}

Result<Tensor> decode_segmentation_to_host(const DeviceTensor& logits, const SegmentationParams& params,
                                           cudaStream_t stream, int64_t out_height, int64_t out_width,
                                           const std::string& name) {
  FOVEA_ASSIGN_OR_RETURN(OwnedDeviceTensor mask, decode_segmentation_device(logits, params, stream, name));
  if (out_height <= 0 || out_width <= 0) return download_tensor(mask.tensor, stream);
  FOVEA_ASSIGN_OR_RETURN(OwnedDeviceTensor resized, resize_mask_nearest_device(mask.tensor, out_height, out_width, stream));
  return download_tensor(resized.tensor, stream);
}

Result<Tensor> colorize_mask_to_host(const DeviceTensor& mask, cudaStream_t stream) {
  FOVEA_RETURN_IF_ERROR(check_mask(mask, "colorize_mask"));
  FOVEA_ASSIGN_OR_RETURN(OwnedDeviceTensor rgb, allocate_device_tensor(DType::kUInt8, rgb_dims(mask), "the colorized mask"));
  FOVEA_ASSIGN_OR_RETURN(StreamOrderedBuffer flag, StreamOrderedBuffer::allocate(sizeof(unsigned long long), stream,
                                                                                 "colorize_mask"));
  unsigned long long* first_negative = flag.as<unsigned long long>();
  FOVEA_CUDA_RETURN_IF_ERROR(cudaMemsetAsync(first_negative, 0xff, sizeof(unsigned long long), stream));
  FOVEA_CUDA_RETURN_IF_ERROR(kernels::launch_mask_colorize(colorize_params(mask), mask.data,
                                                           static_cast<uint8_t*>(rgb.tensor.data), first_negative,
                                                           stream));
  unsigned long long bad = 0;
  FOVEA_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(&bad, first_negative, sizeof(bad), cudaMemcpyDeviceToHost, stream));
  flag.release();
  FOVEA_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream));
  if (bad != ~0ull) {
    // Only int32 masks hold negative ids; fetch the offending value for the CPU's message.
    int32_t id = 0;
    FOVEA_CUDA_RETURN_IF_ERROR(cudaMemcpy(&id, static_cast<const int32_t*>(mask.data) + bad, sizeof(id),
                                          cudaMemcpyDeviceToHost));
    return invalid_argument("colorize_mask: mask element {} holds negative class id {}", bad, id);
  }
  return download_tensor(rgb.tensor, stream);
}

}  // namespace fovea::vision::cuda
