#include "pipeline/crop_selection.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace fovea::pipeline {

vision::CropRoi padded_crop_roi(const vision::Detection& d, float padding, int image_width, int image_height) {
  const double w = static_cast<double>(d.x2) - d.x1, h = static_cast<double>(d.y2) - d.y1;
  const double px = std::max(0.0, w) * padding, py = std::max(0.0, h) * padding;
  // Outwards to whole pixels, so the crop never cuts into the detected box.
  const double x0 = std::clamp(std::floor(d.x1 - px), 0.0, static_cast<double>(image_width));
  const double y0 = std::clamp(std::floor(d.y1 - py), 0.0, static_cast<double>(image_height));
  const double x1 = std::clamp(std::ceil(d.x2 + px), 0.0, static_cast<double>(image_width));
  const double y1 = std::clamp(std::ceil(d.y2 + py), 0.0, static_cast<double>(image_height));
  vision::CropRoi roi;
  roi.x = static_cast<int>(x0);
  roi.y = static_cast<int>(y0);
  roi.width = std::max(0, static_cast<int>(x1) - roi.x);
  roi.height = std::max(0, static_cast<int>(y1) - roi.y);
  return roi;
}

std::vector<SelectedCrop> select_crops(const FrameResult& upstream, const CropSelection& selection) {
  std::vector<size_t> kept;
  for (size_t i = 0; i < upstream.detections.size(); ++i) {
    const vision::Detection& d = upstream.detections[i];
    if (!selection.class_ids.empty() &&
        std::find(selection.class_ids.begin(), selection.class_ids.end(), d.class_id) == selection.class_ids.end())
      continue;
    // NaN scores or boxes fail these comparisons and are skipped.
    if (!(d.score >= selection.min_score)) continue;
    if (!(d.x2 - d.x1 >= static_cast<float>(selection.min_size)) || !(d.y2 - d.y1 >= static_cast<float>(selection.min_size)))
      continue;
    kept.push_back(i);
  }
  std::stable_sort(kept.begin(), kept.end(), [&](size_t a, size_t b) {
    return upstream.detections[a].score > upstream.detections[b].score;
  });
  std::vector<SelectedCrop> crops;
  for (size_t i : kept) {
    if (static_cast<int>(crops.size()) >= selection.max_crops) break;
    const vision::CropRoi roi =
        padded_crop_roi(upstream.detections[i], selection.padding, upstream.image_width, upstream.image_height);
    if (roi.width <= 0 || roi.height <= 0) continue;
    crops.push_back({i, roi});
  }
  return crops;
}

Result<std::vector<int>> resolve_crop_classes(const std::vector<std::string>& names,
                                              const std::vector<std::string>& labels, const std::string& key) {
  std::vector<int> ids;
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string& name = names[i];
    const auto label = std::find(labels.begin(), labels.end(), name);
    if (label != labels.end()) {
      ids.push_back(static_cast<int>(label - labels.begin()));
      continue;
    }
    int id = -1;
    const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), id);
    if (ec != std::errc() || end != name.data() + name.size() || id < 0) {
      std::string known;
      for (size_t k = 0; k < labels.size() && k < 12; ++k) known += (k ? ", " : "") + labels[k];
      if (labels.size() > 12) known += ", ...";
      return invalid_argument("{}[{}]: '{}' is neither a label of the upstream model ({}) nor a class id", key, i, name,
                              labels.empty() ? "it has no labels file" : known);
    }
    if (!labels.empty() && static_cast<size_t>(id) >= labels.size())
      return invalid_argument("{}[{}]: class id {} is not below the upstream model's {} labels", key, i, id, labels.size());
    ids.push_back(id);
  }
  return ids;
}

}  // namespace fovea::pipeline
