#include "io/ros2/message_conversion.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "io/image_file.h"
#include "vision/segmentation_decoder.h"

namespace fovea::io::ros2 {
namespace {

// Counts `status` as a drop (when a counter is given) and returns it.
Status dropped(const Status& status, MessageDropCounter* drops) {
  if (drops != nullptr) drops->record(status);
  return status;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// BT.601 limited range ("video range"): the inverse of vision::yuv_to_rgb.
uint8_t clamp8(double v) { return static_cast<uint8_t>(std::clamp(v + 0.5, 0.0, 255.0)); }
uint8_t luma(const uint8_t* p) { return clamp8(16 + 0.257 * p[0] + 0.504 * p[1] + 0.098 * p[2]); }
uint8_t chroma_u(const uint8_t* p) { return clamp8(128 - 0.148 * p[0] - 0.291 * p[1] + 0.439 * p[2]); }
uint8_t chroma_v(const uint8_t* p) { return clamp8(128 + 0.439 * p[0] - 0.368 * p[1] - 0.071 * p[2]); }

}  // namespace

msg::Header header_from_frame(const pipeline::FrameHeader& header) {
  return msg::Header{time_from_ns(header.stamp_ns), header.frame_id};
}

pipeline::FrameHeader frame_header_from(const msg::Header& header) {
  return pipeline::FrameHeader{time_to_ns(header.stamp), header.frame_id};
}

Result<vision::ImageView> image_view_of(const msg::Image& image) {
  Result<vision::PixelEncoding> encoding = vision::parse_encoding(image.encoding);
  if (!encoding.is_ok())
    return unsupported("image.encoding: {}", encoding.status().message());
  if (image.width == 0 || image.width > static_cast<uint32_t>(vision::kMaxImageSide))
    return invalid_argument("image.width is {}; it must be in [1, {}]", image.width, vision::kMaxImageSide);
  if (image.height == 0 || image.height > static_cast<uint32_t>(vision::kMaxImageSide))
    return invalid_argument("image.height is {}; it must be in [1, {}]", image.height, vision::kMaxImageSide);
  if (*encoding == vision::PixelEncoding::kMono16 && image.is_bigendian != 0)
    return unsupported("image.is_bigendian is {} for mono16; fovea reads 16-bit pixels little-endian",
                       image.is_bigendian);
  vision::ImageView view;
  view.data = image.data.data();
  view.size_bytes = image.data.size();
  view.width = static_cast<int>(image.width);
  view.height = static_cast<int>(image.height);
  view.step = image.step;
  view.encoding = *encoding;
  const size_t min_step = vision::row_bytes(view.encoding, view.width);
  if (view.step < min_step)
    return invalid_argument("image.step is {} bytes; a row of {} {} pixels needs at least {}", image.step,
                            image.width, image.encoding, min_step);
  // ROS: data holds step * rows bytes. Both factors are < 2^32 and 2^16, so no overflow in 64 bits.
  const size_t rows = view.encoding == vision::PixelEncoding::kNv12 ? size_t{image.height} * 3 / 2 : image.height;
  const size_t needed = size_t{image.step} * rows;
  if (image.data.size() < needed)
    return invalid_argument("image.data has {} bytes; step {} x {} rows needs {} ({}x{} {})", image.data.size(),
                            image.step, rows, needed, image.width, image.height, image.encoding);
  if (image.data.empty()) return invalid_argument("image.data is empty");
  FOVEA_RETURN_IF_ERROR(vision::validate_image_view(view));  // chroma parity and the encoder's limits
  return view;
}

Result<pipeline::SourceFrame> image_to_frame(std::shared_ptr<const msg::Image> image, const std::string& source,
                                             MessageDropCounter* drops) {
  if (image == nullptr) return dropped(invalid_argument("{}: no image message", source), drops);
  Result<vision::ImageView> view = image_view_of(*image);
  if (!view.is_ok()) return dropped(view.status().with_context(source), drops);
  pipeline::SourceFrame out;
  out.frame.image = *view;
  out.frame.header = frame_header_from(image->header);
  out.frame.source = source;
  out.pixels = std::move(image);
  return out;
}

Result<pipeline::SourceFrame> compressed_image_to_frame(const msg::CompressedImage& image, const std::string& source,
                                                        MessageDropCounter* drops) {
  const std::string format = lower(image.format);
  if (format.find("compresseddepth") != std::string::npos)
    return dropped(unsupported("{}: compressed_image.format '{}' is a depth image, not a camera frame", source,
                               image.format),
                   drops);
  // stb recognises JPEG and PNG by their bytes; the format string is informational.
  Result<DecodedImage> decoded = decode_image(image.data, source + " compressed_image.data");
  if (!decoded.is_ok()) return dropped(decoded.status(), drops);
  auto pixels = std::make_shared<DecodedImage>(std::move(decoded).value());
  pipeline::SourceFrame out;
  out.frame.image = pixels->view();
  out.frame.header = frame_header_from(image.header);
  out.frame.source = source;
  out.pixels = std::move(pixels);
  return out;
}

Result<msg::Image> image_from_view(const vision::ImageView& view, const msg::Header& header) {
  FOVEA_RETURN_IF_ERROR(vision::validate_image_view(view));
  const size_t row = vision::row_bytes(view.encoding, view.width);
  const size_t rows = view.encoding == vision::PixelEncoding::kNv12 ? size_t(view.height) * 3 / 2 : view.height;
  if (row * rows > (size_t{1} << 31)) return out_of_range("image of {} bytes is too large for a message", row * rows);
  msg::Image image;
  image.header = header;
  image.height = static_cast<uint32_t>(view.height);
  image.width = static_cast<uint32_t>(view.width);
  image.encoding = std::string(vision::encoding_name(view.encoding));
  image.is_bigendian = 0;
  image.step = static_cast<uint32_t>(row);
  image.data.resize(row * rows);
  for (size_t y = 0; y < rows; ++y) std::memcpy(image.data.data() + y * row, view.data + y * view.step, row);
  return image;
}

Result<msg::Image> image_from_rgb(const uint8_t* rgb, int width, int height, vision::PixelEncoding encoding,
                                  const msg::Header& header) {
  using vision::PixelEncoding;
  const int w = width, h = height;
  if (rgb == nullptr || w <= 0 || h <= 0 || w > vision::kMaxImageSide || h > vision::kMaxImageSide)
    return invalid_argument("image_from_rgb: no pixels or a bad size ({}x{})", w, h);
  if ((encoding == PixelEncoding::kUyvy || encoding == PixelEncoding::kYuyv || encoding == PixelEncoding::kNv12) &&
      (w % 2 != 0 || (encoding == PixelEncoding::kNv12 && h % 2 != 0)))
    return invalid_argument("{} needs an even width{} ({}x{})", vision::encoding_name(encoding),
                            encoding == PixelEncoding::kNv12 ? " and height" : "", w, h);
  const size_t row = vision::row_bytes(encoding, w);
  const size_t rows = encoding == PixelEncoding::kNv12 ? size_t(h) * 3 / 2 : size_t(h);
  std::vector<uint8_t> out(row * rows);
  for (int y = 0; y < h; ++y) {
    const uint8_t* src = rgb + size_t(y) * w * 3;
    uint8_t* dst = out.data() + size_t(y) * row;
    for (int x = 0; x < w; ++x) {
      const uint8_t* p = src + 3 * x;
      switch (encoding) {
        case PixelEncoding::kRgb8: std::copy(p, p + 3, dst + 3 * x); break;
        case PixelEncoding::kBgr8: dst[3 * x] = p[2], dst[3 * x + 1] = p[1], dst[3 * x + 2] = p[0]; break;
        case PixelEncoding::kRgba8: std::copy(p, p + 3, dst + 4 * x), dst[4 * x + 3] = 255; break;
        case PixelEncoding::kBgra8:
          dst[4 * x] = p[2], dst[4 * x + 1] = p[1], dst[4 * x + 2] = p[0], dst[4 * x + 3] = 255;
          break;
        case PixelEncoding::kMono8: dst[x] = clamp8(0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2]); break;
        case PixelEncoding::kMono16: {
          const uint16_t v = uint16_t(clamp8(0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2]) * 257);
          dst[2 * x] = uint8_t(v & 0xff), dst[2 * x + 1] = uint8_t(v >> 8);  // little-endian
          break;
        }
        case PixelEncoding::kYuyv:
        case PixelEncoding::kUyvy:
          if (x % 2 == 0) {
            // One U, V per pixel pair, from the pair's first pixel.
            const bool yuyv = encoding == PixelEncoding::kYuyv;
            uint8_t* q = dst + 2 * x;
            q[yuyv ? 0 : 1] = luma(p);
            q[yuyv ? 2 : 3] = luma(p + 3);
            q[yuyv ? 1 : 0] = chroma_u(p);
            q[yuyv ? 3 : 2] = chroma_v(p);
          }
          break;
        case PixelEncoding::kNv12:
          dst[x] = luma(p);
          if (x % 2 == 0 && y % 2 == 0) {
            uint8_t* uv = out.data() + size_t(h) * row + size_t(y / 2) * row + size_t(x);
            uv[0] = chroma_u(p);
            uv[1] = chroma_v(p);
          }
          break;
      }
    }
  }
  msg::Image m;
  m.header = header;
  m.width = static_cast<uint32_t>(w);
  m.height = static_cast<uint32_t>(h);
  m.encoding = std::string(vision::encoding_name(encoding));
  m.step = static_cast<uint32_t>(row);
  m.data = std::move(out);
  return m;
}

Result<ClassIdFormat> parse_class_id_format(std::string_view name) {
  if (name == "index") return ClassIdFormat::kIndex;
  if (name == "label") return ClassIdFormat::kLabel;
  return invalid_argument("class id format '{}' is unknown (index or label)", name);
}

std::string class_id_string(int class_id, const std::vector<std::string>& labels, ClassIdFormat format) {
  if (format == ClassIdFormat::kLabel && class_id >= 0 && static_cast<size_t>(class_id) < labels.size())
    return labels[static_cast<size_t>(class_id)];
  return std::to_string(class_id);
}

msg::Detection2DArray detections_to_message(const pipeline::FrameResult& result,
                                            const std::vector<std::string>& labels, ClassIdFormat format) {
  msg::Detection2DArray out;
  out.header = header_from_frame(result.header);
  out.detections.reserve(result.detections.size());
  for (const vision::Detection& d : result.detections) {
    msg::Detection2D& det = out.detections.emplace_back();
    det.header = out.header;
    det.bbox.center.position.x = (static_cast<double>(d.x1) + d.x2) / 2;
    det.bbox.center.position.y = (static_cast<double>(d.y1) + d.y2) / 2;
    det.bbox.center.theta = 0;
    det.bbox.size_x = static_cast<double>(d.x2) - d.x1;
    det.bbox.size_y = static_cast<double>(d.y2) - d.y1;
    msg::ObjectHypothesisWithPose& h = det.results.emplace_back();
    h.hypothesis.class_id = class_id_string(d.class_id, labels, format);
    h.hypothesis.score = d.score;
  }
  return out;
}

msg::Classification classification_to_message(const pipeline::FrameResult& result,
                                               const std::vector<std::string>& labels, ClassIdFormat format) {
  msg::Classification out;
  out.header = header_from_frame(result.header);
  for (const vision::ClassScore& c : result.classes)
    out.results.push_back(msg::ObjectHypothesis{class_id_string(c.class_id, labels, format), c.score});
  return out;
}

namespace {

Status check_mask(const pipeline::FrameResult& result) {
  const Tensor& m = result.mask;
  if (!m.defined()) return invalid_argument("{}: the result has no segmentation mask", result.source);
  if (m.rank() != 2 || m.dtype() != DType::kUInt8 || m.dim(0) <= 0 || m.dim(1) <= 0 ||
      m.dim(0) > vision::kMaxImageSide || m.dim(1) > vision::kMaxImageSide)
    return invalid_argument("{}: result.mask must be [H, W] uint8 (H, W in [1, {}]), not {} {}", result.source,
                            vision::kMaxImageSide, dtype_name(m.dtype()), dims_to_string(m.dims()));
  return Status::ok();
}

}  // namespace

Result<msg::Image> mask_to_image(const pipeline::FrameResult& result) {
  FOVEA_RETURN_IF_ERROR(check_mask(result));
  vision::ImageView view;
  view.data = static_cast<const uint8_t*>(result.mask.raw_data());
  view.size_bytes = result.mask.nbytes();
  view.height = static_cast<int>(result.mask.dim(0));
  view.width = static_cast<int>(result.mask.dim(1));
  view.step = static_cast<size_t>(view.width);
  view.encoding = vision::PixelEncoding::kMono8;
  return image_from_view(view, header_from_frame(result.header));
}

Result<msg::Image> mask_to_color_image(const pipeline::FrameResult& result) {
  FOVEA_RETURN_IF_ERROR(check_mask(result));
  FOVEA_ASSIGN_OR_RETURN(Tensor batched, result.mask.reshaped({1, result.mask.dim(0), result.mask.dim(1)}));
  FOVEA_ASSIGN_OR_RETURN(Tensor rgb, vision::colorize_mask(batched));
  vision::ImageView view;
  view.data = static_cast<const uint8_t*>(rgb.raw_data());
  view.size_bytes = rgb.nbytes();
  view.height = static_cast<int>(result.mask.dim(0));
  view.width = static_cast<int>(result.mask.dim(1));
  view.step = static_cast<size_t>(view.width) * 3;
  view.encoding = vision::PixelEncoding::kRgb8;
  return image_from_view(view, header_from_frame(result.header));
}

Result<msg::LabelInfo> label_info_message(const std::vector<std::string>& labels, float threshold,
                                          const msg::Header& header) {
  if (labels.size() > 65536)
    return out_of_range("{} labels do not fit vision_msgs/VisionClass (uint16 class ids)", labels.size());
  msg::LabelInfo out;
  out.header = header;
  out.threshold = threshold;
  for (size_t i = 0; i < labels.size(); ++i)
    out.class_map.push_back(msg::VisionClass{static_cast<uint16_t>(i), labels[i]});
  return out;
}

}  // namespace fovea::io::ros2
