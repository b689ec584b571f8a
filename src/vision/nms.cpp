#include "vision/nms.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

namespace fovea::vision {
namespace {

// Strict weak order "a before b": higher score first, NaN after every number.
bool score_before(float a, float b) { return !std::isnan(a) && (std::isnan(b) || a > b); }

// Candidate indices by score descending; stable so ties keep the lower index first.
std::vector<size_t> order_by_score(std::span<const float> scores) {
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return score_before(scores[a], scores[b]); });
  return order;
}

float area(const BoxXYXY& b) { return (b.x2 - b.x1) * (b.y2 - b.y1); }

}  // namespace

float box_iou(const BoxXYXY& a, const BoxXYXY& b) {
  float xx1 = std::max(a.x1, b.x1), yy1 = std::max(a.y1, b.y1);
  float xx2 = std::min(a.x2, b.x2), yy2 = std::min(a.y2, b.y2);
  float w = std::max(0.0f, xx2 - xx1), h = std::max(0.0f, yy2 - yy1);
  float inter = w * h;
  return inter / (area(a) + area(b) - inter);
}

std::vector<size_t> batched_nms(std::span<const BoxXYXY> boxes, std::span<const float> scores,
                                std::span<const int> class_ids, float iou_threshold, bool class_agnostic) {
  const size_t n = std::min(boxes.size(), scores.size());
  std::vector<size_t> order = order_by_score(scores.first(n));

  // Greedy NMS runs independently per class; grouping the sorted order by class keeps each
  // group's pass O(group^2) instead of O(n^2) over all classes.
  std::map<int, std::vector<size_t>> groups;
  for (size_t idx : order) {
    int key = class_agnostic || idx >= class_ids.size() ? 0 : class_ids[idx];
    groups[key].push_back(idx);
  }
  std::vector<char> kept(n, 0);
  for (auto& [cls, members] : groups) {
    std::vector<char> suppressed(members.size(), 0);
    for (size_t i = 0; i < members.size(); ++i) {
      if (suppressed[i]) continue;
      kept[members[i]] = 1;
      const BoxXYXY& bi = boxes[members[i]];
      for (size_t j = i + 1; j < members.size(); ++j)
        if (!suppressed[j] && box_iou(bi, boxes[members[j]]) > iou_threshold) suppressed[j] = 1;
    }
  }
  std::vector<size_t> result;
  for (size_t idx : order)
    if (kept[idx]) result.push_back(idx);
  return result;
}

Status validate_nms_params(const NmsParams& p) {
  if (!std::isfinite(p.confidence_threshold))
    return invalid_argument("confidence_threshold must be finite, got {}", p.confidence_threshold);
  if (!(p.nms_threshold >= 0.0f && p.nms_threshold <= 1.0f))
    return invalid_argument("nms_threshold must be in [0, 1], got {}", p.nms_threshold);
  return Status::ok();
}

std::vector<Detection> select_detections(std::vector<Detection> candidates, const NmsParams& params) {
  std::erase_if(candidates, [&](const Detection& d) { return !(d.score > params.confidence_threshold); });
  if (params.top_k > 0 && candidates.size() > static_cast<size_t>(params.top_k)) {
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const Detection& a, const Detection& b) { return score_before(a.score, b.score); });
    candidates.resize(static_cast<size_t>(params.top_k));
  }
  std::vector<BoxXYXY> boxes;
  std::vector<float> scores;
  std::vector<int> classes;
  boxes.reserve(candidates.size());
  for (const Detection& d : candidates) {
    boxes.push_back({d.x1, d.y1, d.x2, d.y2});
    scores.push_back(d.score);
    classes.push_back(d.class_id);
  }
  std::vector<size_t> keep = batched_nms(boxes, scores, classes, params.nms_threshold, params.class_agnostic);
  if (params.max_detections > 0 && keep.size() > static_cast<size_t>(params.max_detections))
    keep.resize(static_cast<size_t>(params.max_detections));
  std::vector<Detection> out;
  out.reserve(keep.size());
  for (size_t idx : keep) out.push_back(std::move(candidates[idx]));
  return out;
}

}  // namespace fovea::vision
