#include "vision/letterbox_transform.h"

#include <algorithm>
#include <cmath>

namespace fovea::vision {

std::array<double, 2> LetterboxTransform::map_to_source(double x, double y) const {
  return {(x - pad_x) / scale_x + crop_x, (y - pad_y) / scale_y + crop_y};
}

std::array<double, 2> LetterboxTransform::map_to_network(double x, double y) const {
  return {(x - crop_x) * scale_x + pad_x, (y - crop_y) * scale_y + pad_y};
}

std::array<double, 4> LetterboxTransform::map_box_to_source(double x1, double y1, double x2,
                                                            double y2) const {
  const auto [sx1, sy1] = map_to_source(x1, y1);
  const auto [sx2, sy2] = map_to_source(x2, y2);
  const double w = src_w;
  const double h = src_h;
  return {std::clamp(sx1, 0.0, w), std::clamp(sy1, 0.0, h), std::clamp(sx2, 0.0, w),
          std::clamp(sy2, 0.0, h)};
}

LetterboxGeometry compute_letterbox_geometry(int crop_w, int crop_h, int network_w, int network_h,
                                             bool enable_padding, bool centered) {
  if (!enable_padding) return {network_w, network_h, 0, 0};
  const double scale =
      std::min(static_cast<double>(network_w) / crop_w, static_cast<double>(network_h) / crop_h);
  LetterboxGeometry g;
  // Rounding can never exceed the network size on the limiting side; clamp the other defensively.
  g.resized_w = std::clamp(static_cast<int>(std::lround(crop_w * scale)), 1, network_w);
  g.resized_h = std::clamp(static_cast<int>(std::lround(crop_h * scale)), 1, network_h);
  if (centered) {
    g.pad_x = (network_w - g.resized_w) / 2;
    g.pad_y = (network_h - g.resized_h) / 2;
  }
  return g;
}

}  // namespace fovea::vision
