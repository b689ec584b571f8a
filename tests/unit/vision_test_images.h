// Small synthetic images for the image encoder tests: packed-RGB buffers with a padded row step,
// their conversion to every other encoding, and reading a slot of the encoder's output back.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/tensor.h"
#include "vision/image_encoder.h"
#include "vision/image_format.h"

namespace fovea::vision::testing {

using Rgb = std::array<uint8_t, 3>;

// An image and the bytes behind its view; rows carry `extra_step` bytes of junk padding.
struct OwnedImage {
  std::vector<uint8_t> bytes;
  ImageView view;
};

inline OwnedImage make_image(PixelEncoding encoding, int width, int height, size_t row_len,
                             int rows, int extra_step) {
  OwnedImage img;
  const size_t step = row_len + extra_step;
  img.bytes.assign(step * rows, 0xAB);  // junk in the padding must never be read
  img.view = ImageView{img.bytes.data(), img.bytes.size(), width, height, step, encoding};
  return img;
}

// rgb[y][x] as any packed 8-bit RGB-family encoding (rgb8, bgr8, rgba8, bgra8).
inline OwnedImage pack_rgb(const std::vector<std::vector<Rgb>>& rgb, PixelEncoding encoding,
                           int extra_step = 5) {
  const int h = static_cast<int>(rgb.size());
  const int w = static_cast<int>(rgb[0].size());
  const bool four = encoding == PixelEncoding::kRgba8 || encoding == PixelEncoding::kBgra8;
  const bool bgr = encoding == PixelEncoding::kBgr8 || encoding == PixelEncoding::kBgra8;
  const int bpp = four ? 4 : 3;
  OwnedImage img = make_image(encoding, w, h, static_cast<size_t>(w) * bpp, h, extra_step);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      uint8_t* p = img.bytes.data() + y * img.view.step + x * bpp;
      const Rgb& c = rgb[y][x];
      p[0] = bgr ? c[2] : c[0];
      p[1] = c[1];
      p[2] = bgr ? c[0] : c[2];
      if (four) p[3] = 77;  // alpha, ignored
    }
  }
  return img;
}

// BT.601 limited-range RGB to YUV (the inverse of yuv_to_rgb), rounded to bytes.
inline std::array<uint8_t, 3> rgb_to_yuv(const Rgb& c) {
  const double r = c[0], g = c[1], b = c[2];
  auto byte = [](double v) {
    return static_cast<uint8_t>(std::lround(std::fmin(255.0, std::fmax(0.0, v))));
  };
  return {byte(16 + 0.257 * r + 0.504 * g + 0.098 * b),
          byte(128 - 0.148 * r - 0.291 * g + 0.439 * b),
          byte(128 + 0.439 * r - 0.368 * g - 0.071 * b)};
}

// Encoder parameters that make the output equal the input pixels: same size, stretch,
// scale 1, mean 0, stddev 1.
inline EncoderParams identity_params(int width, int height) {
  EncoderParams p;
  p.network_image_width = width;
  p.network_image_height = height;
  p.enable_padding = false;
  p.scale = 1.0f;
  return p;
}

// Output value of channel c at (x, y) of slot `slot`, whatever the layout and dtype.
inline float output_at(const Tensor& t, const EncoderParams& p, int64_t slot, int c, int x, int y) {
  const int64_t W = p.network_image_width, H = p.network_image_height;
  const int64_t index = p.output_layout == OutputLayout::kNchw ? ((slot * 3 + c) * H + y) * W + x
                                                               : ((slot * H + y) * W + x) * 3 + c;
  if (t.dtype() == DType::kFloat16) return half_to_float(t.data<Half>()[index]);
  return t.data<float>()[index];
}

inline Tensor allocate_output(const EncoderParams& p, int64_t batch) {
  const Dims dims = p.output_layout == OutputLayout::kNchw
                        ? Dims{batch, 3, p.network_image_height, p.network_image_width}
                        : Dims{batch, p.network_image_height, p.network_image_width, 3};
  return Tensor::allocate(p.output_dtype, dims).value();
}

}  // namespace fovea::vision::testing
