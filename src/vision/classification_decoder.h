// CPU reference classification decoder: softmax (unless the model already outputs
// probabilities) and top-k per image.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "core/tensor.h"

namespace fovea::vision {

struct ClassScore {
  int class_id = 0;
  float score = 0;  // probability
};

struct ClassificationParams {
  int top_k = 5;                       // clamped to the class count; must be >= 1
  bool inputs_are_probabilities = false;  // skip the softmax
};

// `output` is [B, C] or [B, C, 1, 1] (float32 or float16). Returns, per image, the top_k classes
// by probability descending; equal probabilities keep the lower class id first. The softmax
// subtracts the row maximum first, so large logits do not overflow.
Result<std::vector<std::vector<ClassScore>>> decode_classification(const Tensor& output,
                                                                   const ClassificationParams& params,
                                                                   const std::string& tensor_name = "output");

}  // namespace fovea::vision
