// Results in the original image: detections decoded in network-input pixels are mapped back
// through the encoder's LetterboxTransform (letterbox and crop undone, boxes clipped to the image),
// and class ids get names from a labels file.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "vision/detection.h"
#include "vision/letterbox_transform.h"

namespace fovea::vision {

// Boxes (clipped to the image) and keypoints (x, y of each x, y, conf triple; not clipped) to
// original-image pixels. A box that ends up empty after clipping is dropped.
void map_detections_to_source(std::vector<Detection>& detections, const LetterboxTransform& transform);

// One label per line (Ultralytics/Isaac ROS style), surrounding whitespace trimmed; blank lines at
// the end are ignored, blank lines inside are an error naming the line. Errors name the file.
Result<std::vector<std::string>> load_labels(const std::string& path);

// The label of a class id, or "class <id>" when the labels do not cover it.
std::string label_of(const std::vector<std::string>& labels, int class_id);

}  // namespace fovea::vision
