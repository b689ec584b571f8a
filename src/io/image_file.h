// Image files: JPEG/PNG/BMP/PPM/PGM/TGA decoded with stb_image into an owned 8-bit RGB or BGR
// buffer (plus an ImageView over it for the encoder), and PNG/JPEG written with stb_image_write.
// Every error names the file (or the in-memory source) and what is wrong with it; untrusted
// bytes never crash (sizes are checked before stb allocates).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "vision/image_format.h"

namespace fovea::io {

// A decoded image that owns its pixels: tightly packed rows (step = width * channels).
struct DecodedImage {
  std::vector<uint8_t> pixels;
  int width = 0;
  int height = 0;
  vision::PixelEncoding encoding = vision::PixelEncoding::kRgb8;  // kRgb8 or kBgr8

  // A view for the image encoder; valid while this object lives and is not moved.
  vision::ImageView view() const;
};

// True for the file names read_image_file understands (by extension, case-insensitive):
// .jpg .jpeg .png .bmp .ppm .pgm .pnm .tga.
bool is_image_file_name(const std::string& path);

// Reads and decodes an image file to 8-bit RGB (or BGR with encoding = kBgr8; grey and alpha
// images are converted). Errors: missing/unreadable file, zero-size file, not an image or
// truncated (stb's reason), over-large dimensions (kMaxImageSide), each naming `path`.
Result<DecodedImage> read_image_file(const std::string& path,
                                     vision::PixelEncoding encoding = vision::PixelEncoding::kRgb8);

// Decodes an encoded image (JPEG, PNG, ...) already in memory (e.g. a ROS CompressedImage);
// errors name `source`.
Result<DecodedImage> decode_image(std::span<const uint8_t> bytes, const std::string& source,
                                  vision::PixelEncoding encoding = vision::PixelEncoding::kRgb8);

enum class ImageFileFormat { kPng, kJpeg };

// Encodes an rgb8, bgr8, rgba8, bgra8 or mono8 view (any row step) to PNG or JPEG bytes
// (quality 1..100, JPEG only). BGR inputs are swapped to RGB, alpha is dropped for JPEG.
Result<std::vector<uint8_t>> encode_image(const vision::ImageView& image, ImageFileFormat format,
                                          int jpeg_quality = 90);

// Writes `image` to `path`, PNG or JPEG by its extension (.png, .jpg/.jpeg); errors name the path.
Status write_image_file(const std::string& path, const vision::ImageView& image, int jpeg_quality = 90);

}  // namespace fovea::io
