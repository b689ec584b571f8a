#include "vision/result_mapping.h"

#include <fstream>

namespace fovea::vision {

void map_detections_to_source(std::vector<Detection>& detections, const LetterboxTransform& transform) {
  std::vector<Detection> kept;
  kept.reserve(detections.size());
  for (Detection& d : detections) {
    const auto box = transform.map_box_to_source(d.x1, d.y1, d.x2, d.y2);
    if (!(box[2] > box[0] && box[3] > box[1])) continue;  // entirely in the padding or outside the image
    d.x1 = static_cast<float>(box[0]), d.y1 = static_cast<float>(box[1]);
    d.x2 = static_cast<float>(box[2]), d.y2 = static_cast<float>(box[3]);
    for (size_t k = 0; k + 1 < d.keypoints.size(); k += 3) {
      const auto p = transform.map_to_source(d.keypoints[k], d.keypoints[k + 1]);
      d.keypoints[k] = static_cast<float>(p[0]);
      d.keypoints[k + 1] = static_cast<float>(p[1]);
    }
    kept.push_back(std::move(d));
  }
  detections = std::move(kept);
}

Result<std::vector<std::string>> load_labels(const std::string& path) {
  std::ifstream f(path);
  if (!f) return io_error("labels file '{}': cannot open it", path);
  std::vector<std::string> labels;
  std::string line;
  int blank_line = 0;
  for (int n = 1; std::getline(f, line); ++n) {
    const size_t b = line.find_first_not_of(" \t\r");
    const size_t e = line.find_last_not_of(" \t\r");
    if (b == std::string::npos) {
      if (!blank_line) blank_line = n;
      continue;
    }
    if (blank_line) return invalid_argument("labels file '{}': line {} is blank (one label per line)", path, blank_line);
    labels.push_back(line.substr(b, e - b + 1));
  }
  if (labels.empty()) return invalid_argument("labels file '{}' has no labels", path);
  return labels;
}

std::string label_of(const std::vector<std::string>& labels, int class_id) {
  if (class_id >= 0 && static_cast<size_t>(class_id) < labels.size()) return labels[class_id];
  return "class " + std::to_string(class_id);
}

}  // namespace fovea::vision
