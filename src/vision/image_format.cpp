#include "vision/image_format.h"

#include <algorithm>
#include <cstring>

namespace fovea::vision {

namespace {

struct EncodingName {
  std::string_view name;
  PixelEncoding encoding;
};

// The first entry for each encoding is its canonical name.
constexpr EncodingName kEncodingNames[] = {
    {"rgb8", PixelEncoding::kRgb8},        {"bgr8", PixelEncoding::kBgr8},
    {"rgba8", PixelEncoding::kRgba8},      {"bgra8", PixelEncoding::kBgra8},
    {"mono8", PixelEncoding::kMono8},      {"mono16", PixelEncoding::kMono16},
    {"yuv422", PixelEncoding::kUyvy},      {"uyvy", PixelEncoding::kUyvy},
    {"yuv422_yuy2", PixelEncoding::kYuyv}, {"yuyv", PixelEncoding::kYuyv},
    {"nv12", PixelEncoding::kNv12},
};

float clamp_255(float v) { return std::min(255.0f, std::max(0.0f, v)); }

}  // namespace

Result<PixelEncoding> parse_encoding(std::string_view name) {
  for (const EncodingName& entry : kEncodingNames) {
    if (entry.name == name) return entry.encoding;
  }
  return unsupported(
      "image encoding '{}' is not supported (supported: rgb8, bgr8, rgba8, bgra8, mono8, mono16, "
      "yuv422 (uyvy), yuv422_yuy2 (yuyv), nv12)",
      name);
}

std::string_view encoding_name(PixelEncoding encoding) {
  for (const EncodingName& entry : kEncodingNames) {
    if (entry.encoding == encoding) return entry.name;
  }
  return "unknown";
}

size_t row_bytes(PixelEncoding encoding, int width) {
  const size_t w = static_cast<size_t>(width);
  switch (encoding) {
    case PixelEncoding::kRgb8:
    case PixelEncoding::kBgr8:
      return 3 * w;
    case PixelEncoding::kRgba8:
    case PixelEncoding::kBgra8:
      return 4 * w;
    case PixelEncoding::kMono8:
    case PixelEncoding::kNv12:
      return w;
    case PixelEncoding::kMono16:
    case PixelEncoding::kYuyv:
    case PixelEncoding::kUyvy:
      return 2 * w;
  }
  return 0;
}

size_t required_bytes(const ImageView& view) {
  // The last row needs only its pixels, not a full step (ROS buffers hold step * rows, which is
  // more).
  size_t rows = static_cast<size_t>(view.height);
  if (view.encoding == PixelEncoding::kNv12) rows += static_cast<size_t>(view.height / 2);
  return view.step * (rows - 1) + row_bytes(view.encoding, view.width);
}

Status validate_image_view(const ImageView& view) {
  if (view.width <= 0 || view.width > kMaxImageSide) {
    return invalid_argument("image.width is {}; it must be in [1, {}]", view.width, kMaxImageSide);
  }
  if (view.height <= 0 || view.height > kMaxImageSide) {
    return invalid_argument("image.height is {}; it must be in [1, {}]", view.height,
                            kMaxImageSide);
  }
  if (encoding_name(view.encoding) == "unknown") {
    return invalid_argument("image.encoding has the unknown value {}",
                            static_cast<int>(view.encoding));
  }
  const bool subsampled_x = view.encoding == PixelEncoding::kYuyv ||
                            view.encoding == PixelEncoding::kUyvy ||
                            view.encoding == PixelEncoding::kNv12;
  if (subsampled_x && view.width % 2 != 0) {
    return invalid_argument("image.width is {}; encoding {} needs an even width", view.width,
                            encoding_name(view.encoding));
  }
  if (view.encoding == PixelEncoding::kNv12 && view.height % 2 != 0) {
    return invalid_argument("image.height is {}; encoding nv12 needs an even height", view.height);
  }
  const size_t min_step = row_bytes(view.encoding, view.width);
  if (view.step < min_step) {
    return invalid_argument("image.step is {} bytes; a row of {} {} pixels needs at least {}",
                            view.step, view.width, encoding_name(view.encoding), min_step);
  }
  // Rows are at most 2^17 bytes apart in any sane image; a huge step would overflow below.
  if (view.step > (size_t{1} << 30)) {
    return invalid_argument("image.step is {} bytes, larger than the 1 GiB limit", view.step);
  }
  if (view.data == nullptr) return invalid_argument("image.data is null");
  const size_t needed = required_bytes(view);
  if (view.size_bytes < needed) {
    return invalid_argument("image.size_bytes is {}; a {}x{} {} image with step {} needs {}",
                            view.size_bytes, view.width, view.height, encoding_name(view.encoding),
                            view.step, needed);
  }
  return Status::ok();
}

std::array<float, 3> yuv_to_rgb(float y, float u, float v) {
  const float luma = 1.164f * std::max(y - 16.0f, 0.0f);  // OpenCV clamps Y below video black (16) first
  const float cb = u - 128.0f;
  const float cr = v - 128.0f;
  return {clamp_255(luma + 1.596f * cr), clamp_255(luma - 0.813f * cr - 0.391f * cb),
          clamp_255(luma + 2.018f * cb)};
}

std::array<float, 3> read_pixel_rgb(const ImageView& view, int x, int y) {
  const uint8_t* row = view.data + static_cast<size_t>(y) * view.step;
  switch (view.encoding) {
    case PixelEncoding::kRgb8: {
      const uint8_t* p = row + 3 * static_cast<size_t>(x);
      return {float(p[0]), float(p[1]), float(p[2])};
    }
    case PixelEncoding::kBgr8: {
      const uint8_t* p = row + 3 * static_cast<size_t>(x);
      return {float(p[2]), float(p[1]), float(p[0])};
    }
    case PixelEncoding::kRgba8: {
      const uint8_t* p = row + 4 * static_cast<size_t>(x);
      return {float(p[0]), float(p[1]), float(p[2])};
    }
    case PixelEncoding::kBgra8: {
      const uint8_t* p = row + 4 * static_cast<size_t>(x);
      return {float(p[2]), float(p[1]), float(p[0])};
    }
    case PixelEncoding::kMono8: {
      const float g = row[x];
      return {g, g, g};
    }
    case PixelEncoding::kMono16: {
      uint16_t value;  // memcpy: rows need not be 2-byte aligned
      std::memcpy(&value, row + 2 * static_cast<size_t>(x), sizeof(value));
      const float g = static_cast<float>(value >> 8);
      return {g, g, g};
    }
    case PixelEncoding::kYuyv: {
      const uint8_t* pair = row + 4 * static_cast<size_t>(x / 2);  // Y0 U Y1 V
      return yuv_to_rgb(pair[(x % 2) * 2], pair[1], pair[3]);
    }
    case PixelEncoding::kUyvy: {
      const uint8_t* pair = row + 4 * static_cast<size_t>(x / 2);  // U Y0 V Y1
      return yuv_to_rgb(pair[1 + (x % 2) * 2], pair[0], pair[2]);
    }
    case PixelEncoding::kNv12: {
      const uint8_t* uv_plane = view.data + static_cast<size_t>(view.height) * view.step;
      const uint8_t* uv =
          uv_plane + static_cast<size_t>(y / 2) * view.step + 2 * static_cast<size_t>(x / 2);
      return yuv_to_rgb(row[x], uv[0], uv[1]);
    }
  }
  return {0.0f, 0.0f, 0.0f};
}

}  // namespace fovea::vision
