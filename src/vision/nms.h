// Non-maximum suppression with torchvision.ops.batched_nms semantics, and the per-image
// selection pipeline (score threshold, top-k, NMS, max detections) every detector decoder uses.
// This is the CPU reference the GPU NMS is tested against: results must match index for index.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "vision/detection.h"

namespace fovea::vision {

struct BoxXYXY {
  float x1 = 0, y1 = 0, x2 = 0, y2 = 0;
};

// IoU computed exactly as torchvision's CPU nms kernel does (float, inter / (a + b - inter));
// degenerate pairs (union 0) give NaN, which never exceeds a threshold.
float box_iou(const BoxXYXY& a, const BoxXYXY& b);

// Indices of the boxes kept, best score first. Semantics of torchvision.ops.batched_nms:
// candidates are visited by score descending (stable: equal scores keep the lower index first;
// NaN scores sort last), a box is suppressed when its IoU with an already kept box of the same
// class (any class if `class_agnostic`) is strictly greater than `iou_threshold`.
// `boxes`, `scores` and `class_ids` have one entry per candidate (class_ids ignored if agnostic).
std::vector<size_t> batched_nms(std::span<const BoxXYXY> boxes, std::span<const float> scores,
                                std::span<const int> class_ids, float iou_threshold, bool class_agnostic);

struct NmsParams {
  float confidence_threshold = 0.25f;  // keep candidates with score > this (strictly, as Ultralytics)
  float nms_threshold = 0.45f;         // IoU above which a lower-scored box is suppressed
  int top_k = 0;                       // keep only the best top_k candidates before NMS; <= 0: all
  int max_detections = 300;            // keep at most this many after NMS; <= 0: all
  bool class_agnostic = false;
};

// Checks ranges: thresholds finite, nms_threshold in [0, 1].
Status validate_nms_params(const NmsParams& p);

// The selection pipeline for one image's candidates: drop score <= confidence_threshold (and NaN),
// keep the top_k best (stable order), batched NMS, truncate to max_detections. Returns the
// survivors best score first; their fields are unchanged.
std::vector<Detection> select_detections(std::vector<Detection> candidates, const NmsParams& params);

}  // namespace fovea::vision
