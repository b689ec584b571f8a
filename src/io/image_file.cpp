#include "io/image_file.h"

#include <stb/stb_image.h>
#include <stb/stb_image_write.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

namespace fovea::io {
namespace {

// Encoded files larger than this are refused before reading (a 32k x 32k PNG compresses far below).
constexpr uintmax_t kMaxEncodedBytes = uintmax_t{1} << 30;

std::string lower_extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}

int channels_of(vision::PixelEncoding e) {
  switch (e) {
    case vision::PixelEncoding::kRgb8:
    case vision::PixelEncoding::kBgr8: return 3;
    case vision::PixelEncoding::kRgba8:
    case vision::PixelEncoding::kBgra8: return 4;
    case vision::PixelEncoding::kMono8: return 1;
    default: return 0;
  }
}

}  // namespace

vision::ImageView DecodedImage::view() const {
  vision::ImageView v;
  v.data = pixels.data();
  v.size_bytes = pixels.size();
  v.width = width;
  v.height = height;
  v.step = static_cast<size_t>(width) * 3;
  v.encoding = encoding;
  return v;
}

bool is_image_file_name(const std::string& path) {
  static const char* const kExtensions[] = {".jpg", ".jpeg", ".png", ".bmp", ".ppm", ".pgm", ".pnm", ".tga"};
  const std::string ext = lower_extension(path);
  return std::any_of(std::begin(kExtensions), std::end(kExtensions), [&](const char* e) { return ext == e; });
}

Result<DecodedImage> decode_image(std::span<const uint8_t> bytes, const std::string& source,
                                  vision::PixelEncoding encoding) {
  if (encoding != vision::PixelEncoding::kRgb8 && encoding != vision::PixelEncoding::kBgr8)
    return invalid_argument("{}: images decode to rgb8 or bgr8, not {}", source, vision::encoding_name(encoding));
  if (bytes.empty()) return invalid_argument("{}: empty (0 bytes), not an image", source);
  if (bytes.size() > static_cast<size_t>(INT32_MAX))
    return out_of_range("{}: {} bytes is too large to decode", source, bytes.size());
  const int len = static_cast<int>(bytes.size());
  // Read the header first so that huge declared sizes are refused before stb allocates.
  int w = 0, h = 0, comp = 0;
  if (!stbi_info_from_memory(bytes.data(), len, &w, &h, &comp))
    return invalid_argument("{}: not a supported image ({})", source, stbi_failure_reason());
  if (w <= 0 || h <= 0) return invalid_argument("{}: zero-size image ({}x{})", source, w, h);
  if (w > vision::kMaxImageSide || h > vision::kMaxImageSide)
    return out_of_range("{}: {}x{} exceeds the largest side fovea accepts ({})", source, w, h, vision::kMaxImageSide);
  std::unique_ptr<stbi_uc, void (*)(void*)> data(stbi_load_from_memory(bytes.data(), len, &w, &h, &comp, 3),
                                                 stbi_image_free);
  if (!data) return invalid_argument("{}: cannot decode the image: {} (truncated or corrupt?)", source,
                                     stbi_failure_reason());
  DecodedImage out;
  out.width = w;
  out.height = h;
  out.encoding = encoding;
  const size_t n = static_cast<size_t>(w) * static_cast<size_t>(h) * 3;
  out.pixels.assign(data.get(), data.get() + n);
  if (encoding == vision::PixelEncoding::kBgr8)
    for (size_t i = 0; i < n; i += 3) std::swap(out.pixels[i], out.pixels[i + 2]);
  return out;
}

Result<DecodedImage> read_image_file(const std::string& path, vision::PixelEncoding encoding) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) return not_found("{}: no such file", path);
  if (!std::filesystem::is_regular_file(status)) return invalid_argument("{}: not a regular file", path);
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return io_error("{}: cannot read the file size ({})", path, ec.message());
  if (size == 0) return invalid_argument("{}: empty file (0 bytes), not an image", path);
  if (size > kMaxEncodedBytes) return out_of_range("{}: {} bytes is too large for an image file", path, size);
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error("{}: cannot open the file for reading", path);
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size));
  if (static_cast<uintmax_t>(in.gcount()) != size) return io_error("{}: read {} of {} bytes", path, in.gcount(), size);
  return decode_image(bytes, path, encoding);
}

Result<std::vector<uint8_t>> encode_image(const vision::ImageView& image, ImageFileFormat format, int jpeg_quality) {
  FOVEA_RETURN_IF_ERROR(vision::validate_image_view(image));
  const int in_channels = channels_of(image.encoding);
  if (in_channels == 0)
    return unsupported("image.encoding: {} cannot be written to an image file (rgb8, bgr8, rgba8, bgra8 or mono8)",
                       vision::encoding_name(image.encoding));
  if (format == ImageFileFormat::kJpeg && (jpeg_quality < 1 || jpeg_quality > 100))
    return invalid_argument("jpeg_quality: {} is outside 1..100", jpeg_quality);
  const bool swap = image.encoding == vision::PixelEncoding::kBgr8 || image.encoding == vision::PixelEncoding::kBgra8;
  // JPEG has no alpha; PNG keeps it.
  const int out_channels = (in_channels == 4 && format == ImageFileFormat::kJpeg) ? 3 : in_channels;
  const size_t row = static_cast<size_t>(image.width) * out_channels;
  std::vector<uint8_t> packed(row * image.height);
  for (int y = 0; y < image.height; ++y) {
    const uint8_t* src = image.data + static_cast<size_t>(y) * image.step;
    uint8_t* dst = packed.data() + static_cast<size_t>(y) * row;
    for (int x = 0; x < image.width; ++x, src += in_channels, dst += out_channels) {
      for (int c = 0; c < out_channels; ++c) dst[c] = src[c];
      if (swap) std::swap(dst[0], dst[2]);
    }
  }
  std::vector<uint8_t> out;
  auto sink = [](void* context, void* data, int size) {
    auto* v = static_cast<std::vector<uint8_t>*>(context);
    v->insert(v->end(), static_cast<uint8_t*>(data), static_cast<uint8_t*>(data) + size);
  };
  const int ok = format == ImageFileFormat::kPng
                     ? stbi_write_png_to_func(sink, &out, image.width, image.height, out_channels, packed.data(),
                                              static_cast<int>(row))
                     : stbi_write_jpg_to_func(sink, &out, image.width, image.height, out_channels, packed.data(),
                                              jpeg_quality);
  if (!ok || out.empty()) return internal_error("encoding a {}x{} image failed", image.width, image.height);
  return out;
}

Status write_image_file(const std::string& path, const vision::ImageView& image, int jpeg_quality) {
  const std::string ext = lower_extension(path);
  ImageFileFormat format;
  if (ext == ".png") {
    format = ImageFileFormat::kPng;
  } else if (ext == ".jpg" || ext == ".jpeg") {
    format = ImageFileFormat::kJpeg;
  } else {
    return invalid_argument("{}: cannot write '{}' files (use .png, .jpg or .jpeg)", path, ext);
  }
  auto encoded = encode_image(image, format, jpeg_quality);
  if (!encoded.is_ok()) return encoded.status().with_context(path);
  // Write to a temporary name and rename, so a reader never sees half a file.
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return io_error("{}: cannot open for writing", tmp);
    out.write(reinterpret_cast<const char*>(encoded->data()), static_cast<std::streamsize>(encoded->size()));
    if (!out) return io_error("{}: write failed", tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return io_error("{}: cannot rename {} into place ({})", path, tmp, ec.message());
  return Status::ok();
}

}  // namespace fovea::io
