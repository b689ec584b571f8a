// Where the image encoder put the original image inside the network input: the crop, the resize
// factors and the padding. Decoders use it to map boxes, keypoints and masks back to original
// pixels.
#pragma once

#include <array>

namespace fovea::vision {

// Continuous pixel coordinates: (0, 0) is the top-left corner of the top-left pixel and
// (w, h) the bottom-right corner of the image, so box edges map exactly.
struct LetterboxTransform {
  double scale_x = 1.0;  // network pixels per source pixel (resized width / crop width)
  double scale_y = 1.0;
  double pad_x = 0.0;   // network pixels left of the resized image
  double pad_y = 0.0;   // network pixels above the resized image
  double crop_x = 0.0;  // top-left of the crop ROI in source pixels (0 without a crop)
  double crop_y = 0.0;
  int src_w = 0;  // the whole original image, for clipping
  int src_h = 0;

  // Network-input coordinates to original-image coordinates (not clipped).
  std::array<double, 2> map_to_source(double x, double y) const;
  // Original-image coordinates to network-input coordinates (the inverse of map_to_source).
  std::array<double, 2> map_to_network(double x, double y) const;
  // A box (x1, y1, x2, y2) in network coordinates to original coordinates, clipped to the image.
  std::array<double, 4> map_box_to_source(double x1, double y1, double x2, double y2) const;
};

// The placement of a crop_w x crop_h region inside a network_w x network_h input. With padding,
// one scale keeps the aspect ratio (scale = min(W/w, H/h), size = round(w*scale), round(h*scale)),
// and the image sits centered (pad = (W - new_w) / 2, floored) or at the top-left; without
// padding, the region is stretched to fill the input.
struct LetterboxGeometry {
  int resized_w = 0;
  int resized_h = 0;
  int pad_x = 0;
  int pad_y = 0;
};
LetterboxGeometry compute_letterbox_geometry(int crop_w, int crop_h, int network_w, int network_h,
                                             bool enable_padding, bool centered);

}  // namespace fovea::vision
