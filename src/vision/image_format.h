// Camera image formats the image encoder accepts: the ROS sensor_msgs/Image encodings, a view over
// one frame in host memory, its validation, and the per-pixel conversion to RGB that both the CPU
// reference encoder and the CUDA kernel implement.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/status.h"

namespace fovea::vision {

enum class PixelEncoding {
  kRgb8,    // 3 bytes R,G,B
  kBgr8,    // 3 bytes B,G,R
  kRgba8,   // 4 bytes R,G,B,A (alpha ignored)
  kBgra8,   // 4 bytes B,G,R,A (alpha ignored)
  kMono8,   // 1 byte grey
  kMono16,  // 2 bytes grey, little-endian (host order); reduced to 8 bits with >> 8
  kYuyv,    // YUV 4:2:2, bytes Y0 U Y1 V per pixel pair ("yuv422_yuy2")
  kUyvy,    // YUV 4:2:2, bytes U Y0 V Y1 per pixel pair (ROS "yuv422")
  kNv12,    // YUV 4:2:0: Y plane, then interleaved U,V plane at half resolution
};

// Parses a ROS sensor_msgs/Image encoding string. Note that ROS's "yuv422" is UYVY byte order.
Result<PixelEncoding> parse_encoding(std::string_view name);
// The canonical ROS name ("rgb8", ..., "yuv422" for UYVY, "yuv422_yuy2" for YUYV, "nv12").
std::string_view encoding_name(PixelEncoding encoding);

// Bytes one row of `width` pixels occupies (the Y plane's row for nv12).
size_t row_bytes(PixelEncoding encoding, int width);

// One frame in host memory. For nv12, `height` rows of Y with `step` bytes each are followed by
// height/2 rows of interleaved U,V with the same step.
struct ImageView {
  const uint8_t* data = nullptr;
  size_t size_bytes = 0;  // bytes readable at `data` (ROS: data.size()); checked, never trusted
  int width = 0;
  int height = 0;
  size_t step = 0;  // bytes per row
  PixelEncoding encoding = PixelEncoding::kRgb8;
};

// Largest width or height accepted; keeps every index computation far from overflow.
inline constexpr int kMaxImageSide = 1 << 15;

// Smallest buffer (bytes) that holds `view`'s pixels with its step; assumes a valid geometry.
size_t required_bytes(const ImageView& view);
// Checks data, sizes, step, buffer size and the even width/height that chroma subsampling needs.
// Errors name the field ("image.step", "image.width", ...).
Status validate_image_view(const ImageView& view);

// BT.601 limited range ("video range") YUV to RGB, as OpenCV's COLOR_YUV2RGB_{YUYV,UYVY,NV12}:
// with Y' = max(Y-16, 0) (OpenCV clamps below video black): R = 1.164Y' + 1.596(V-128),
// G = 1.164Y' - 0.813(V-128) - 0.391(U-128), B = 1.164Y' + 2.018(U-128), each clamped to [0, 255]
// and left unrounded (float).
std::array<float, 3> yuv_to_rgb(float y, float u, float v);

// The RGB value (0..255, float) of pixel (x, y) of a valid view; 0 <= x < width, 0 <= y < height.
// Alpha is dropped, grey is replicated to three channels, mono16 becomes value >> 8.
std::array<float, 3> read_pixel_rgb(const ImageView& view, int x, int y);

}  // namespace fovea::vision
