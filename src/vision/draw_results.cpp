#include "vision/draw_results.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <opencv2/imgproc.hpp>

#include "vision/result_mapping.h"
#include "vision/segmentation_decoder.h"

namespace fovea::vision {
namespace {

// Ultralytics' default box palette (RGB), so annotated images look like what users know.
constexpr std::array<std::array<uint8_t, 3>, 20> kPalette = {{
    {255, 56, 56},  {255, 157, 151}, {255, 112, 31}, {255, 178, 29}, {207, 210, 49},
    {72, 249, 10},  {146, 204, 23},  {61, 219, 134}, {26, 147, 52},  {0, 212, 187},
    {44, 153, 168}, {0, 194, 255},   {52, 69, 147},  {100, 115, 255}, {0, 24, 236},
    {132, 56, 255}, {82, 0, 133},    {203, 56, 255}, {255, 149, 200}, {255, 55, 199},
}};

// COCO-17 keypoint skeleton (0-based pairs: ankles-knees-hips, shoulders-arms, face).
constexpr std::array<std::array<int, 2>, 19> kCocoSkeleton = {{
    {15, 13}, {13, 11}, {16, 14}, {14, 12}, {11, 12}, {5, 11}, {6, 12}, {5, 6}, {5, 7}, {6, 8},
    {7, 9},   {8, 10},  {1, 2},   {0, 1},   {0, 2},   {1, 3},  {2, 4},  {3, 5}, {4, 6},
}};

Status check_image(const MutableImageView& image) {
  if (!image.data) return invalid_argument("image.data: null");
  if (image.width <= 0 || image.height <= 0 || image.width > kMaxImageSide || image.height > kMaxImageSide)
    return invalid_argument("image: {}x{} is not a drawable size", image.width, image.height);
  if (image.encoding != PixelEncoding::kRgb8 && image.encoding != PixelEncoding::kBgr8)
    return unsupported("image.encoding: drawing needs rgb8 or bgr8, not {}", encoding_name(image.encoding));
  if (image.step < static_cast<size_t>(image.width) * 3)
    return invalid_argument("image.step: {} is less than width * 3 = {}", image.step, image.width * 3);
  return Status::ok();
}

cv::Mat as_mat(const MutableImageView& image) {
  return cv::Mat(image.height, image.width, CV_8UC3, image.data, image.step);
}

cv::Scalar to_scalar(const std::array<uint8_t, 3>& rgb, PixelEncoding encoding) {
  if (encoding == PixelEncoding::kBgr8) return cv::Scalar(rgb[2], rgb[1], rgb[0]);
  return cv::Scalar(rgb[0], rgb[1], rgb[2]);
}

int thickness_of(const MutableImageView& image, const DrawOptions& o) {
  if (o.line_thickness > 0) return o.line_thickness;
  return std::max(1, std::min(image.width, image.height) / 320);
}

double font_scale_of(const MutableImageView& image, const DrawOptions& o) {
  if (o.font_scale > 0) return o.font_scale;
  return std::clamp(std::min(image.width, image.height) / 1000.0, 0.35, 1.5);
}

// Text on a filled box of `color`, its top-left at `origin` (moved inside the image).
void put_label(cv::Mat& mat, const std::string& text, cv::Point origin, const cv::Scalar& color, double scale,
               int thickness) {
  int baseline = 0;
  const cv::Size size = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, scale, thickness, &baseline);
  const int h = size.height + baseline + 2;
  origin.x = std::clamp(origin.x, 0, std::max(0, mat.cols - size.width - 2));
  origin.y = std::clamp(origin.y, 0, std::max(0, mat.rows - h));
  cv::rectangle(mat, cv::Rect(origin.x, origin.y, size.width + 2, h), color, cv::FILLED);
  cv::putText(mat, text, cv::Point(origin.x + 1, origin.y + size.height + 1), cv::FONT_HERSHEY_SIMPLEX, scale,
              cv::Scalar(255, 255, 255), thickness, cv::LINE_AA);
}

}  // namespace

std::array<uint8_t, 3> class_color(int class_id) {
  const int n = static_cast<int>(kPalette.size());
  return kPalette[static_cast<size_t>(((class_id % n) + n) % n)];
}

Status draw_detections(const MutableImageView& image, std::span<const Detection> detections,
                       const std::vector<std::string>& labels, const DrawOptions& options) {
  FOVEA_RETURN_IF_ERROR(check_image(image));
  cv::Mat mat = as_mat(image);
  const int thickness = thickness_of(image, options);
  const double scale = font_scale_of(image, options);
  const int text_thickness = std::max(1, thickness / 2);
  for (const Detection& d : detections) {
    if (!std::isfinite(d.x1) || !std::isfinite(d.y1) || !std::isfinite(d.x2) || !std::isfinite(d.y2)) continue;
    const cv::Scalar color = to_scalar(class_color(d.class_id), image.encoding);
    const cv::Point p1(static_cast<int>(std::lround(d.x1)), static_cast<int>(std::lround(d.y1)));
    const cv::Point p2(static_cast<int>(std::lround(d.x2)), static_cast<int>(std::lround(d.y2)));
    cv::rectangle(mat, p1, p2, color, thickness, cv::LINE_8);  // crisp edges on the box pixels
    const std::string text = fmt::format("{} {:.2f}", label_of(labels, d.class_id), d.score);
    int baseline = 0;
    const cv::Size ts = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, scale, text_thickness, &baseline);
    // Above the box when there is room, else just inside it.
    const int label_h = ts.height + baseline + 2;
    put_label(mat, text, cv::Point(p1.x, p1.y >= label_h ? p1.y - label_h : p1.y), color, scale, text_thickness);

    const size_t k = d.keypoints.size() / 3;
    if (k == 0) continue;
    auto visible = [&](size_t i) {
      const float x = d.keypoints[3 * i], y = d.keypoints[3 * i + 1], c = d.keypoints[3 * i + 2];
      return std::isfinite(x) && std::isfinite(y) && c >= options.keypoint_min_conf && x >= 0 && y >= 0 &&
             x < image.width && y < image.height;
    };
    auto point = [&](size_t i) {
      return cv::Point(static_cast<int>(std::lround(d.keypoints[3 * i])),
                       static_cast<int>(std::lround(d.keypoints[3 * i + 1])));
    };
    if (k == 17) {
      for (const auto& [a, b] : kCocoSkeleton)
        if (visible(a) && visible(b)) cv::line(mat, point(a), point(b), color, thickness, cv::LINE_AA);
    }
    const int radius = std::max(2, thickness + 1);
    for (size_t i = 0; i < k; ++i)
      if (visible(i))
        cv::circle(mat, point(i), radius, to_scalar(class_color(static_cast<int>(i) + 1), image.encoding),
                   cv::FILLED, cv::LINE_AA);
  }
  return Status::ok();
}

Status draw_classification(const MutableImageView& image, std::span<const ClassScore> classes,
                           const std::vector<std::string>& labels, const DrawOptions& options) {
  FOVEA_RETURN_IF_ERROR(check_image(image));
  cv::Mat mat = as_mat(image);
  const double scale = font_scale_of(image, options) * 1.2;
  const int thickness = std::max(1, thickness_of(image, options) / 2);
  int y = 4;
  const size_t lines = std::min(classes.size(), static_cast<size_t>(std::max(0, options.max_classes_text)));
  for (size_t i = 0; i < lines; ++i) {
    const std::string text = fmt::format("{} {:.3f}", label_of(labels, classes[i].class_id), classes[i].score);
    int baseline = 0;
    const cv::Size ts = cv::getTextSize(text, cv::FONT_HERSHEY_SIMPLEX, scale, thickness, &baseline);
    put_label(mat, text, cv::Point(4, y), cv::Scalar(40, 40, 40), scale, thickness);
    y += ts.height + baseline + 6;
  }
  return Status::ok();
}

Status blend_mask(const MutableImageView& image, const Tensor& mask, const DrawOptions& options) {
  FOVEA_RETURN_IF_ERROR(check_image(image));
  if (mask.rank() != 2 || mask.dim(0) != image.height || mask.dim(1) != image.width)
    return invalid_argument("mask: shape {} does not match the {}x{} image ([H, W] expected)",
                            dims_to_string(mask.dims()), image.width, image.height);
  if (mask.dtype() != DType::kUInt8 && mask.dtype() != DType::kInt32)
    return unsupported("mask: dtype {} (uint8 or int32 expected)", dtype_name(mask.dtype()));
  if (!(options.mask_alpha >= 0.0f && options.mask_alpha <= 1.0f))
    return invalid_argument("options.mask_alpha: {} is outside [0, 1]", options.mask_alpha);
  cv::Mat mat = as_mat(image);
  // Colour image of the mask, then one addWeighted where the class is not background (0).
  cv::Mat colour(image.height, image.width, CV_8UC3);
  cv::Mat foreground(image.height, image.width, CV_8UC1);
  for (int y = 0; y < image.height; ++y) {
    auto* c = colour.ptr<cv::Vec3b>(y);
    auto* f = foreground.ptr<uint8_t>(y);
    for (int x = 0; x < image.width; ++x) {
      const int64_t i = static_cast<int64_t>(y) * image.width + x;
      const int64_t id = mask.dtype() == DType::kUInt8 ? mask.data<uint8_t>()[i] : mask.data<int32_t>()[i];
      const auto rgb = palette_color(id < 0 ? 0 : id);
      c[x] = image.encoding == PixelEncoding::kBgr8 ? cv::Vec3b(rgb[2], rgb[1], rgb[0]) : cv::Vec3b(rgb[0], rgb[1], rgb[2]);
      f[x] = id > 0 ? 255 : 0;
    }
  }
  cv::Mat blended;
  cv::addWeighted(mat, 1.0 - options.mask_alpha, colour, options.mask_alpha, 0.0, blended);
  blended.copyTo(mat, foreground);
  return Status::ok();
}

Status draw_results(const MutableImageView& image, std::span<const Detection> detections,
                    std::span<const ClassScore> classes, const Tensor& mask,
                    const std::vector<std::string>& labels, const DrawOptions& options) {
  if (mask.defined()) FOVEA_RETURN_IF_ERROR(blend_mask(image, mask, options));
  FOVEA_RETURN_IF_ERROR(draw_detections(image, detections, labels, options));
  if (!classes.empty()) FOVEA_RETURN_IF_ERROR(draw_classification(image, classes, labels, options));
  return Status::ok();
}

}  // namespace fovea::vision
