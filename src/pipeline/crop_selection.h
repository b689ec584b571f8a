// Which detections of an upstream detector become crops for a chained model (detector ->
// classifier on the detected boxes), and the region each crop reads. Pure functions: the pipeline
// runtime calls select_crops on every upstream result; the config check and the assembly resolve
// `crop_classes` (labels or ids) against the upstream's labels with resolve_crop_classes.
//
// Selection, in this order: class in `class_ids` (empty: any), score >= min_score, the box (in
// original-image pixels) at least min_size px wide AND high; then the highest scores first (ties:
// the upstream's order), at most max_crops. Each kept box grows by `padding` x its width (height)
// on the left and right (top and bottom), is clipped to the image and rounded outwards to whole
// pixels; a box whose clipped region is empty is skipped.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/status.h"
#include "pipeline/vision_model.h"

namespace fovea::pipeline {

struct CropSelection {
  std::vector<int> class_ids;  // upstream class ids to crop; empty: every class
  float min_score = 0.0f;
  float padding = 0.0f;        // fraction of the box size added on each side, >= 0
  int min_size = 1;            // px; boxes narrower or lower than this are skipped
  int max_crops = 16;          // per frame, highest scores first
};

struct SelectedCrop {
  size_t detection = 0;  // index into the upstream result's detections
  vision::CropRoi roi;   // the padded, clipped box in whole-image pixels
};

// The crops of one upstream result (detections in original-image pixels), best score first.
std::vector<SelectedCrop> select_crops(const FrameResult& upstream, const CropSelection& selection);

// The padded box of a detection clipped to a width x height image, rounded outwards; width or
// height 0 when nothing of it is inside.
vision::CropRoi padded_crop_roi(const vision::Detection& d, float padding, int image_width, int image_height);

// `crop_classes` entries -> class ids: an entry equal to one of `labels` is that label's index,
// else an integer id (in [0, labels.size()) when there are labels). Errors name key[i].
Result<std::vector<int>> resolve_crop_classes(const std::vector<std::string>& names,
                                              const std::vector<std::string>& labels, const std::string& key);

}  // namespace fovea::pipeline
