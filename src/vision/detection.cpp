#include "vision/detection.h"

#include <fmt/format.h>

namespace fovea::vision {

std::string detection_to_string(const Detection& d) {
  std::string s = fmt::format("class {} score {:.4f} box [{:.2f}, {:.2f}, {:.2f}, {:.2f}] image {}", d.class_id,
                              d.score, d.x1, d.y1, d.x2, d.y2, d.batch_index);
  if (!d.keypoints.empty()) s += fmt::format(" ({} keypoints)", d.keypoints.size() / 3);
  return s;
}

Result<std::vector<float>> tensor_as_floats(const Tensor& t, const std::string& tensor_name) {
  if (!t.defined()) return invalid_argument("tensor '{}' is undefined", tensor_name);
  std::vector<float> out(static_cast<size_t>(t.numel()));
  if (t.dtype() == DType::kFloat32) {
    const float* p = t.data<float>();
    for (size_t i = 0; i < out.size(); ++i) out[i] = p[i];
  } else if (t.dtype() == DType::kFloat16) {
    const Half* p = t.data<Half>();
    for (size_t i = 0; i < out.size(); ++i) out[i] = half_to_float(p[i]);
  } else {
    return unsupported("tensor '{}' has dtype {}; decoders read float32 or float16", tensor_name,
                       dtype_name(t.dtype()));
  }
  return out;
}

}  // namespace fovea::vision
