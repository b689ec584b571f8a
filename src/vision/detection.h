// Detection: one decoded object (box, score, class, optional keypoints) in network-input pixels.
// Decoders produce these; mapping them back to original-image pixels (undoing letterbox / crop)
// is the image encoder's transform, applied afterwards by its own function, never by a decoder.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "core/tensor.h"

namespace fovea::vision {

struct Detection {
  float x1 = 0, y1 = 0, x2 = 0, y2 = 0;  // corners in network-input pixels
  float score = 0;
  int class_id = 0;
  int batch_index = 0;           // image of the batch this detection belongs to
  std::vector<float> keypoints;  // x, y, conf per keypoint (network-input pixels); empty if none
};

// Per-image results of a batch: result[b] holds image b's detections, best score first.
using BatchDetections = std::vector<std::vector<Detection>>;

// "class 2 score 0.91 box [10.0, 20.0, 30.0, 40.0] image 0 (17 keypoints)" for logs and tests.
std::string detection_to_string(const Detection& d);

// The elements of a float32 or float16 tensor as float; an error naming `tensor_name` for any
// other dtype. Decoders read model outputs through this so both precisions decode identically.
Result<std::vector<float>> tensor_as_floats(const Tensor& t, const std::string& tensor_name);

}  // namespace fovea::vision
