#include "vision/image_encoder.h"

#include <algorithm>
#include <cmath>
#include <type_traits>
#include <vector>

namespace fovea::vision {

namespace {

bool is_finite(float v) { return std::isfinite(v); }

// Source index and blend weight of the first of two taps along one axis (OpenCV INTER_LINEAR).
struct LinearTap {
  int i0 = 0;
  int i1 = 0;
  float weight1 = 0.0f;  // weight of i1; i0 gets 1 - weight1
};

LinearTap linear_tap(int d, double sampling, int size) {
  const double f = (d + 0.5) * sampling - 0.5;
  double i = std::floor(f);
  double a = f - i;
  if (i < 0) {
    i = 0;
    a = 0;
  }
  if (i >= size - 1) {
    i = size - 1;
    a = 0;
  }
  const int i0 = static_cast<int>(i);
  return {i0, std::min(i0 + 1, size - 1), static_cast<float>(a)};
}

int nearest_index(int d, double sampling, int size) {
  return std::min(static_cast<int>(std::floor(d * sampling)), size - 1);
}

// Samples the crop at resized-image pixel (dx, dy); returns RGB in 0..255.
class CropSampler {
 public:
  CropSampler(const ImageView& image, const CropRoi& crop, const LetterboxGeometry& g,
              Interpolation interpolation)
      : image_(image),
        crop_(crop),
        interpolation_(interpolation),
        sampling_x_(static_cast<double>(crop.width) / g.resized_w),
        sampling_y_(static_cast<double>(crop.height) / g.resized_h) {}

  std::array<float, 3> sample(int dx, int dy) const {
    if (interpolation_ == Interpolation::kNearest) {
      return read_pixel_rgb(image_, crop_.x + nearest_index(dx, sampling_x_, crop_.width),
                            crop_.y + nearest_index(dy, sampling_y_, crop_.height));
    }
    const LinearTap tx = linear_tap(dx, sampling_x_, crop_.width);
    const LinearTap ty = linear_tap(dy, sampling_y_, crop_.height);
    const auto p00 = read_pixel_rgb(image_, crop_.x + tx.i0, crop_.y + ty.i0);
    const auto p01 = read_pixel_rgb(image_, crop_.x + tx.i1, crop_.y + ty.i0);
    const auto p10 = read_pixel_rgb(image_, crop_.x + tx.i0, crop_.y + ty.i1);
    const auto p11 = read_pixel_rgb(image_, crop_.x + tx.i1, crop_.y + ty.i1);
    const float ax = tx.weight1;
    const float ay = ty.weight1;
    std::array<float, 3> out;
    for (int c = 0; c < 3; ++c) {
      const float top = p00[c] * (1.0f - ax) + p01[c] * ax;
      const float bottom = p10[c] * (1.0f - ax) + p11[c] * ax;
      out[c] = top * (1.0f - ay) + bottom * ay;
    }
    return out;
  }

 private:
  const ImageView& image_;
  CropRoi crop_;
  Interpolation interpolation_;
  double sampling_x_;
  double sampling_y_;
};

CropRoi effective_crop(int image_width, int image_height, const EncoderParams& params) {
  return params.crop.value_or(CropRoi{0, 0, image_width, image_height});
}

template <typename Out>
Out to_output(float v) {
  if constexpr (std::is_same_v<Out, Half>) {
    return float_to_half(v);
  } else {
    return v;
  }
}

template <typename Out>
void write_slot(const ImageView& image, const EncoderParams& params, const CropRoi& crop,
                const LetterboxGeometry& g, Out* slot_data) {
  const int W = params.network_image_width;
  const int H = params.network_image_height;
  const size_t plane = static_cast<size_t>(W) * H;
  // Output channel c takes RGB channel rgb_index[c].
  const std::array<int, 3> rgb_index = params.output_channel_order == ChannelOrder::kRgb
                                           ? std::array<int, 3>{0, 1, 2}
                                           : std::array<int, 3>{2, 1, 0};
  std::array<float, 3> pad_rgb;
  for (int c = 0; c < 3; ++c) {
    pad_rgb[c] = (params.pad_value * params.scale - params.image_mean[c]) / params.image_stddev[c];
  }
  const CropSampler sampler(image, crop, g, params.interpolation);
  for (int oy = 0; oy < H; ++oy) {
    for (int ox = 0; ox < W; ++ox) {
      const int dx = ox - g.pad_x;
      const int dy = oy - g.pad_y;
      std::array<float, 3> normalized = pad_rgb;
      if (dx >= 0 && dx < g.resized_w && dy >= 0 && dy < g.resized_h) {
        const std::array<float, 3> rgb = sampler.sample(dx, dy);
        for (int c = 0; c < 3; ++c) {
          normalized[c] = (rgb[c] * params.scale - params.image_mean[c]) / params.image_stddev[c];
        }
      }
      const size_t pixel = static_cast<size_t>(oy) * W + ox;
      for (int c = 0; c < 3; ++c) {
        const Out v = to_output<Out>(normalized[rgb_index[c]]);
        if (params.output_layout == OutputLayout::kNchw) {
          slot_data[c * plane + pixel] = v;
        } else {
          slot_data[pixel * 3 + c] = v;
        }
      }
    }
  }
}

}  // namespace

Status validate_encoder_params(const EncoderParams& params) {
  if (params.network_image_width <= 0 || params.network_image_width > kMaxImageSide) {
    return invalid_argument("params.network_image_width is {}; it must be in [1, {}]",
                            params.network_image_width, kMaxImageSide);
  }
  if (params.network_image_height <= 0 || params.network_image_height > kMaxImageSide) {
    return invalid_argument("params.network_image_height is {}; it must be in [1, {}]",
                            params.network_image_height, kMaxImageSide);
  }
  for (int c = 0; c < 3; ++c) {
    if (!is_finite(params.image_mean[c])) {
      return invalid_argument("params.image_mean[{}] is {}; it must be finite", c,
                              params.image_mean[c]);
    }
    if (!is_finite(params.image_stddev[c]) || params.image_stddev[c] == 0.0f) {
      return invalid_argument("params.image_stddev[{}] is {}; it must be finite and non-zero", c,
                              params.image_stddev[c]);
    }
  }
  if (!is_finite(params.scale) || params.scale == 0.0f) {
    return invalid_argument("params.scale is {}; it must be finite and non-zero", params.scale);
  }
  if (!is_finite(params.pad_value)) {
    return invalid_argument("params.pad_value is {}; it must be finite", params.pad_value);
  }
  if (params.interpolation != Interpolation::kBilinear &&
      params.interpolation != Interpolation::kNearest) {
    return invalid_argument("params.interpolation has the unknown value {}",
                            static_cast<int>(params.interpolation));
  }
  if (params.output_layout != OutputLayout::kNchw && params.output_layout != OutputLayout::kNhwc) {
    return invalid_argument("params.output_layout has the unknown value {}",
                            static_cast<int>(params.output_layout));
  }
  if (params.output_channel_order != ChannelOrder::kRgb &&
      params.output_channel_order != ChannelOrder::kBgr) {
    return invalid_argument("params.output_channel_order has the unknown value {}",
                            static_cast<int>(params.output_channel_order));
  }
  if (params.output_dtype != DType::kFloat32 && params.output_dtype != DType::kFloat16) {
    return unsupported("params.output_dtype is {}; the encoder writes float32 or float16",
                       dtype_name(params.output_dtype));
  }
  return Status::ok();
}

Result<LetterboxTransform> compute_letterbox_transform(int image_width, int image_height,
                                                       const EncoderParams& params) {
  FOVEA_RETURN_IF_ERROR(validate_encoder_params(params));
  if (image_width <= 0 || image_height <= 0) {
    return invalid_argument("image size is {}x{}; both sides must be positive", image_width,
                            image_height);
  }
  const CropRoi crop = effective_crop(image_width, image_height, params);
  if (crop.width <= 0 || crop.height <= 0) {
    return invalid_argument("params.crop size is {}x{}; both sides must be positive", crop.width,
                            crop.height);
  }
  if (crop.x < 0 || crop.y < 0 || int64_t{crop.x} + crop.width > image_width ||
      int64_t{crop.y} + crop.height > image_height) {
    return out_of_range(
        "params.crop (x={}, y={}, width={}, height={}) is not inside the {}x{} image", crop.x,
        crop.y, crop.width, crop.height, image_width, image_height);
  }
  const LetterboxGeometry g = compute_letterbox_geometry(
      crop.width, crop.height, params.network_image_width, params.network_image_height,
      params.enable_padding, params.letterbox_centered);
  LetterboxTransform t;
  t.scale_x = static_cast<double>(g.resized_w) / crop.width;
  t.scale_y = static_cast<double>(g.resized_h) / crop.height;
  t.pad_x = g.pad_x;
  t.pad_y = g.pad_y;
  t.crop_x = crop.x;
  t.crop_y = crop.y;
  t.src_w = image_width;
  t.src_h = image_height;
  return t;
}

Status validate_batch_output(const Dims& dims, DType dtype, int64_t slot,
                             const EncoderParams& params) {
  const bool nchw = params.output_layout == OutputLayout::kNchw;
  const Dims expected_tail = nchw
                                 ? Dims{3, params.network_image_height, params.network_image_width}
                                 : Dims{params.network_image_height, params.network_image_width, 3};
  if (dtype != params.output_dtype) {
    return invalid_argument("batch_tensor has dtype {}; params.output_dtype is {}",
                            dtype_name(dtype), dtype_name(params.output_dtype));
  }
  if (dims.size() != 4 ||
      !std::equal(expected_tail.begin(), expected_tail.end(), dims.begin() + 1)) {
    return invalid_argument("batch_tensor has shape {}; the encoder's {} output needs [N,{},{},{}]",
                            dims_to_string(dims), nchw ? "NCHW" : "NHWC", expected_tail[0],
                            expected_tail[1], expected_tail[2]);
  }
  if (slot < 0 || slot >= dims[0]) {
    return out_of_range("slot {} is outside the batch of {} in batch_tensor", slot, dims[0]);
  }
  return Status::ok();
}

Result<LetterboxTransform> encode_image(const ImageView& image, const EncoderParams& params,
                                        Tensor& batch_tensor, int64_t slot) {
  FOVEA_RETURN_IF_ERROR(validate_image_view(image));
  FOVEA_ASSIGN_OR_RETURN(LetterboxTransform transform,
                         compute_letterbox_transform(image.width, image.height, params));
  if (!batch_tensor.defined()) return invalid_argument("batch_tensor is undefined (not allocated)");
  FOVEA_RETURN_IF_ERROR(
      validate_batch_output(batch_tensor.dims(), batch_tensor.dtype(), slot, params));

  const CropRoi crop = effective_crop(image.width, image.height, params);
  const LetterboxGeometry g = compute_letterbox_geometry(
      crop.width, crop.height, params.network_image_width, params.network_image_height,
      params.enable_padding, params.letterbox_centered);
  const size_t slot_elems =
      static_cast<size_t>(3) * params.network_image_width * params.network_image_height;
  const size_t offset = static_cast<size_t>(slot) * slot_elems;
  if (params.output_dtype == DType::kFloat16) {
    write_slot<Half>(image, params, crop, g, batch_tensor.data<Half>() + offset);
  } else {
    write_slot<float>(image, params, crop, g, batch_tensor.data<float>() + offset);
  }
  return transform;
}

}  // namespace fovea::vision
