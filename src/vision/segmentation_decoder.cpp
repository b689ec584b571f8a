#include "vision/segmentation_decoder.h"

#include <algorithm>
#include <cmath>

#include "vision/detection.h"

namespace fovea::vision {
namespace {

Status check_mask(const Tensor& mask, const char* what) {
  if (!mask.defined() || mask.rank() != 3)
    return invalid_argument("{}: mask has shape {}; expected [B, H, W]", what, dims_to_string(mask.dims()));
  if (mask.dtype() != DType::kUInt8 && mask.dtype() != DType::kInt32)
    return unsupported("{}: mask has dtype {}; expected uint8 or int32", what, dtype_name(mask.dtype()));
  return Status::ok();
}

int64_t mask_at(const Tensor& mask, int64_t i) {
  return mask.dtype() == DType::kUInt8 ? int64_t{mask.data<uint8_t>()[i]} : int64_t{mask.data<int32_t>()[i]};
}

}  // namespace

Result<Tensor> decode_segmentation(const Tensor& logits, const SegmentationParams& params,
                                   const std::string& tensor_name) {
  FOVEA_ASSIGN_OR_RETURN(std::vector<float> values, tensor_as_floats(logits, tensor_name));
  const Dims& d = logits.dims();
  if (d.size() != 4 || d[1] < 1)
    return invalid_argument("tensor '{}' has shape {}; expected segmentation logits [B, C, H, W]", tensor_name,
                            dims_to_string(d));
  if (params.mask_dtype != DType::kUInt8 && params.mask_dtype != DType::kInt32)
    return unsupported("segmentation mask dtype {} is not uint8 or int32", dtype_name(params.mask_dtype));
  const int64_t batch = d[0], classes = d[1], plane = d[2] * d[3];
  if (params.mask_dtype == DType::kUInt8 && classes > 256)
    return invalid_argument("tensor '{}' has {} classes, too many for a uint8 mask; use int32", tensor_name,
                            classes);
  FOVEA_ASSIGN_OR_RETURN(Tensor mask, Tensor::allocate(params.mask_dtype, {batch, d[2], d[3]}));
  for (int64_t b = 0; b < batch; ++b) {
    const float* base = &values[b * classes * plane];
    for (int64_t p = 0; p < plane; ++p) {
      int64_t cls = 0;
      if (classes == 1) {
        const float prob = 1.0f / (1.0f + std::exp(-base[p]));
        cls = prob > params.sigmoid_threshold ? 1 : 0;
      } else {
        float best = base[p];
        for (int64_t c = 1; c < classes; ++c) {
          const float v = base[c * plane + p];
          if (v > best) best = v, cls = c;
        }
      }
      if (params.mask_dtype == DType::kUInt8)
        mask.data<uint8_t>()[b * plane + p] = static_cast<uint8_t>(cls);
      else
        mask.data<int32_t>()[b * plane + p] = static_cast<int32_t>(cls);
    }
  }
  return mask;
}

Result<Tensor> resize_mask_nearest(const Tensor& mask, int64_t out_height, int64_t out_width) {
  FOVEA_RETURN_IF_ERROR(check_mask(mask, "resize_mask_nearest"));
  if (out_height < 1 || out_width < 1)
    return invalid_argument("resize_mask_nearest: output size {}x{} must be positive", out_width, out_height);
  const int64_t batch = mask.dim(0), h = mask.dim(1), w = mask.dim(2);
  if ((h < 1 || w < 1) && batch > 0)
    return invalid_argument("resize_mask_nearest: mask has shape {}, empty image", dims_to_string(mask.dims()));
  FOVEA_ASSIGN_OR_RETURN(Tensor out, Tensor::allocate(mask.dtype(), {batch, out_height, out_width}));
  const size_t elem = dtype_size(mask.dtype());
  const auto* src = static_cast<const std::byte*>(mask.raw_data());
  auto* dst = static_cast<std::byte*>(out.raw_data());
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t y = 0; y < out_height; ++y) {
      const int64_t sy = y * h / out_height;
      for (int64_t x = 0; x < out_width; ++x) {
        const int64_t sx = x * w / out_width;
        std::copy_n(src + ((b * h + sy) * w + sx) * elem, elem, dst + ((b * out_height + y) * out_width + x) * elem);
      }
    }
  return out;
}

std::array<uint8_t, 3> palette_color(int64_t class_id) {
  // PASCAL VOC palette: bits 0, 1, 2 of the id feed the top bits of R, G, B, then the next three...
  uint32_t id = static_cast<uint32_t>(class_id & 0xff);
  std::array<uint8_t, 3> rgb{0, 0, 0};
  for (int shift = 7; shift >= 0 && id != 0; --shift, id >>= 3) {
    rgb[0] |= static_cast<uint8_t>(((id >> 0) & 1) << shift);
    rgb[1] |= static_cast<uint8_t>(((id >> 1) & 1) << shift);
    rgb[2] |= static_cast<uint8_t>(((id >> 2) & 1) << shift);
  }
  return rgb;
}

Result<Tensor> colorize_mask(const Tensor& mask) {
  FOVEA_RETURN_IF_ERROR(check_mask(mask, "colorize_mask"));
  FOVEA_ASSIGN_OR_RETURN(Tensor out,
                         Tensor::allocate(DType::kUInt8, {mask.dim(0), mask.dim(1), mask.dim(2), 3}));
  uint8_t* dst = out.data<uint8_t>();
  for (int64_t i = 0; i < mask.numel(); ++i) {
    const int64_t id = mask_at(mask, i);
    if (id < 0) return invalid_argument("colorize_mask: mask element {} holds negative class id {}", i, id);
    const auto rgb = palette_color(id);
    dst[3 * i] = rgb[0];
    dst[3 * i + 1] = rgb[1];
    dst[3 * i + 2] = rgb[2];
  }
  return out;
}

}  // namespace fovea::vision
