// Annotating an image with a model's results (OpenCV imgproc drawing): boxes with label and score,
// keypoints with the COCO-17 skeleton, a blended colour mask for segmentation, and top-k text for
// classification. Results must already be in the image's pixels (map_detections_to_source).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/tensor.h"
#include "vision/classification_decoder.h"
#include "vision/detection.h"
#include "vision/image_format.h"

namespace fovea::vision {

// A writable 8-bit image: rgb8 or bgr8 (colours are given in RGB and swapped for BGR).
struct MutableImageView {
  uint8_t* data = nullptr;
  int width = 0;
  int height = 0;
  size_t step = 0;  // bytes per row, >= width * 3
  PixelEncoding encoding = PixelEncoding::kRgb8;
};

struct DrawOptions {
  int line_thickness = 0;          // 0: from the image size (max(1, min(w, h) / 320))
  double font_scale = 0;           // 0: from the image size
  float mask_alpha = 0.5f;         // weight of the mask colour where the class is not 0
  float keypoint_min_conf = 0.5f;  // keypoints (and limbs) below this confidence are not drawn
  int max_classes_text = 5;        // classification: lines of "label score" drawn
};

// The colour (RGB) boxes of a class are drawn in: a fixed 20-colour palette, cycling.
std::array<uint8_t, 3> class_color(int class_id);

// Boxes with "label score" text; keypoints (and the COCO-17 skeleton when there are 17).
Status draw_detections(const MutableImageView& image, std::span<const Detection> detections,
                       const std::vector<std::string>& labels, const DrawOptions& options = {});

// "label 0.93" lines at the top-left, best first.
Status draw_classification(const MutableImageView& image, std::span<const ClassScore> classes,
                           const std::vector<std::string>& labels, const DrawOptions& options = {});

// Blends palette_color(class) into the image where the mask ([H, W] uint8 or int32 at the image's
// resolution) is non-zero: out = (1 - alpha) * image + alpha * colour (cv::addWeighted).
Status blend_mask(const MutableImageView& image, const Tensor& mask, const DrawOptions& options = {});

// All of the above that apply: the mask first (if defined), then boxes, then class text.
Status draw_results(const MutableImageView& image, std::span<const Detection> detections,
                    std::span<const ClassScore> classes, const Tensor& mask,
                    const std::vector<std::string>& labels, const DrawOptions& options = {});

}  // namespace fovea::vision
