// The CPU reference image encoder: one camera frame (any supported encoding and row step) to one
// slot of a batched network input, through colour conversion, optional crop, resize (letterbox or
// stretch), scale and per-channel mean/stddev. It is the specification the CUDA encoder is tested
// against, so every step below is defined exactly.
//
// For each network pixel (ox, oy) inside the resized region, with d = (ox - pad_x, oy - pad_y) and
// per-axis sampling factor s = crop size / resized size (double precision):
//   bilinear (OpenCV INTER_LINEAR): f = (d + 0.5) * s - 0.5; i = floor(f); a = f - i; i < 0 gives
//     i = 0, a = 0; i >= size - 1 gives i = size - 1, a = 0; the four taps i, min(i + 1, size - 1)
//     are blended in float with weights (1 - a), a.
//   nearest (OpenCV INTER_NEAREST): i = min(floor(d * s), size - 1).
// Taps read RGB values (0..255 floats, see read_pixel_rgb) of crop pixel (crop_x + i, crop_y + j).
// RGB channel c becomes (pixel[c] * scale - image_mean[c]) / image_stddev[c] (network pixels outside
// the resized region apply it to pad_value), then output_channel_order places it (BGR: reversed).
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "core/dtype.h"
#include "core/shape.h"
#include "core/status.h"
#include "core/tensor.h"
#include "vision/image_format.h"
#include "vision/letterbox_transform.h"

namespace fovea::vision {

enum class Interpolation { kBilinear, kNearest };
enum class OutputLayout { kNchw, kNhwc };  // [N,3,H,W] or [N,H,W,3]
enum class ChannelOrder { kRgb, kBgr };

// A region of the source image, in source pixels; it must lie inside the image.
struct CropRoi {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;
};

// Names follow Isaac ROS's DNN image encoder where it has one.
struct EncoderParams {
  int network_image_width = 640;
  int network_image_height = 640;
  // Per channel in R, G, B order (whatever output_channel_order is), in units after `scale`.
  std::array<float, 3> image_mean{0.0f, 0.0f, 0.0f};
  std::array<float, 3> image_stddev{1.0f, 1.0f, 1.0f};
  bool enable_padding = true;      // true: aspect-preserving letterbox; false: stretch
  float pad_value = 114.0f;        // a pixel value (0..255), normalized like a pixel
  bool letterbox_centered = true;  // false: image at the top-left, padding right and bottom
  Interpolation interpolation = Interpolation::kBilinear;
  std::optional<CropRoi> crop;  // encode only this region of the source
  float scale = 1.0f / 255.0f;  // applied to 0..255 pixel values before mean/stddev
  OutputLayout output_layout = OutputLayout::kNchw;
  DType output_dtype = DType::kFloat32;  // kFloat32 or kFloat16
  ChannelOrder output_channel_order = ChannelOrder::kRgb;
};

// Checks every field; errors name it ("params.image_stddev[1]", ...).
Status validate_encoder_params(const EncoderParams& params);

// The transform encode_image applies to a width x height image (crop checked against it). The GPU
// encoder uses this too, so both place the image identically.
Result<LetterboxTransform> compute_letterbox_transform(int image_width, int image_height,
                                                       const EncoderParams& params);

// Checks that a batch tensor of `dims` and `dtype` can take slot `slot` of params' output.
Status validate_batch_output(const Dims& dims, DType dtype, int64_t slot,
                             const EncoderParams& params);

// Encodes `image` into slot `slot` of the host tensor `batch_tensor` ([N,3,H,W] or [N,H,W,3],
// float32 or float16 as params say; other slots are untouched). Returns the transform from
// network pixels back to `image` pixels.
Result<LetterboxTransform> encode_image(const ImageView& image, const EncoderParams& params,
                                        Tensor& batch_tensor, int64_t slot);

}  // namespace fovea::vision
