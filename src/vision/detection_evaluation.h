// COCO-style detection accuracy (mAP), computed the way pycocotools' COCOeval does for boxes
// ("bbox" iouType, area range "all", one maxDets value), so fovea's numbers can be compared with
// published ones:
//  - per image and category, detections are sorted by score (stable) and cut to max_detections;
//  - at each IoU threshold every detection, best first, is matched to the unmatched ground truth
//    with the highest IoU >= threshold (ties: the later ground truth, as COCOeval's loop does);
//    non-crowd ground truth is preferred: once one matches, crowd ones are not considered;
//  - crowd ground truth (iscrowd = 1) is "ignore": its IoU is intersection / detection area, it
//    may absorb any number of detections, and those detections count as neither TP nor FP;
//  - per category, detections of all images are ranked by score (stable, images in ascending id
//    order), precision is made monotone and read at 101 recall points 0, 0.01, ..., 1 (the first
//    rank whose recall reaches the point; 0 past the last recall reached); AP is their mean;
//  - a category with no non-crowd ground truth anywhere has no AP (-1) and is left out of the
//    means, even if it has detections; detections of other categories are ignored.
// Differences from pycocotools: no area ranges (only "all"); a ground-truth id of 0 is not
// special (pycocotools treats a match to annotation id 0 as no match, a known quirk).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace fovea::vision {

// A box as COCO writes it: top-left corner, width, height (pixels). Double, as pycocotools.
struct BoxXYWH {
  double x = 0, y = 0, width = 0, height = 0;
};

struct GroundTruthObject {
  BoxXYWH box;
  int category_id = 0;
  bool is_crowd = false;
};

struct ScoredObject {
  BoxXYWH box;
  int category_id = 0;
  double score = 0;
};

struct EvaluationCategory {
  int id = 0;
  std::string name;
};

// COCOeval's IoU thresholds 0.50:0.05:0.95, bit-identical to numpy.linspace(.5, .95, 10).
std::vector<double> coco_iou_thresholds();
// COCOeval's recall points, bit-identical to numpy.linspace(0, 1, points).
std::vector<double> coco_recall_points(int points = 101);

// IoU of a detection with a ground-truth box exactly as pycocotools' bbIou (crowd: / det area).
double coco_box_iou(const BoxXYWH& detection, const BoxXYWH& ground_truth, bool ground_truth_is_crowd);

struct DetectionEvaluationParams {
  std::vector<double> iou_thresholds = coco_iou_thresholds();  // each in [0, 1], ascending
  int recall_points = 101;
  int max_detections = 100;  // per image AND category, as COCOeval's maxDets
};

struct CategoryEvaluation {
  int category_id = 0;
  std::string name;
  int64_t ground_truth = 0;  // non-crowd objects
  int64_t crowd = 0;
  int64_t detections = 0;    // evaluated (after the per-image max_detections cut)
  std::vector<double> ap;      // per IoU threshold; -1 when ground_truth == 0
  std::vector<double> recall;  // recall at the last rank, per IoU threshold; -1 when ground_truth == 0
  double ap_mean = -1;         // mean of `ap` (AP@0.5:0.95 with the default thresholds)
  // At the FIRST IoU threshold (0.5 by default), over all evaluated detections:
  int64_t true_positives = 0;
  int64_t false_positives = 0;  // crowd-matched detections are neither
  // The rank with the best F1 at the first threshold (first such rank): its precision, recall
  // and the score of that detection (a confidence threshold to deploy with). 0 when none.
  double best_f1 = 0, precision_at_best_f1 = 0, recall_at_best_f1 = 0, score_at_best_f1 = 0;
};

struct DetectionEvaluation {
  std::vector<double> iou_thresholds;
  std::vector<CategoryEvaluation> categories;  // in the order given to the evaluator
  std::vector<double> map_per_iou;  // mean AP over categories with ground truth; -1 if none has
  double map = -1;                  // mean over thresholds and categories (mAP@0.5:0.95)
  double mean_recall = -1;          // AR@max_detections, same averaging
  int64_t images = 0;
  int64_t ground_truth = 0;          // non-crowd, all categories
  int64_t detections = 0;            // evaluated, all categories
  int64_t ignored_detections = 0;    // category not among the evaluated ones

  // mAP at one of the thresholds (e.g. 0.5 or 0.75); -1 when it is not one of them.
  double map_at(double iou_threshold) const;
  // A category's AP at one of the thresholds; -1 when not one of them or no ground truth.
  double ap_at(const CategoryEvaluation& category, double iou_threshold) const;
};

// Accumulates images one at a time (each image's matching is done when it is added), then
// summarizes. Typical use: create, add_image per dataset image, evaluate.
class DetectionEvaluator {
 public:
  // Category ids must be distinct. Errors name the parameter at fault.
  static Result<DetectionEvaluator> create(std::vector<EvaluationCategory> categories,
                                           DetectionEvaluationParams params = {});

  // One image's ground truth and detections. Each image id at most once; boxes need finite
  // coordinates and width, height >= 0; scores finite; ground-truth categories must be known
  // (detections of unknown categories are counted in ignored_detections). Errors name the
  // element ("image 7: detections[3].score") and leave the evaluator unchanged.
  Status add_image(int64_t image_id, std::span<const GroundTruthObject> ground_truth,
                   std::span<const ScoredObject> detections);

  DetectionEvaluation evaluate() const;

  const std::vector<EvaluationCategory>& categories() const { return categories_; }
  const DetectionEvaluationParams& params() const { return params_; }

 private:
  // COCOeval's evaluateImg result for one (image, category): detections best first (cut to
  // max_detections); matched / ignored flags per threshold, threshold-major [T][D].
  struct ImageCategoryRecord {
    int64_t image_id = 0;
    std::vector<double> scores;
    std::vector<uint8_t> matched;
    std::vector<uint8_t> ignored;
    int64_t ground_truth = 0;  // non-crowd
    int64_t crowd = 0;
  };

  DetectionEvaluator(std::vector<EvaluationCategory> categories, DetectionEvaluationParams params);
  ImageCategoryRecord match_image(int64_t image_id, const std::vector<GroundTruthObject>& gt,
                                  std::vector<ScoredObject> dt) const;
  CategoryEvaluation accumulate(size_t category_index) const;

  std::vector<EvaluationCategory> categories_;
  DetectionEvaluationParams params_;
  std::vector<double> recall_points_;
  std::map<int, size_t> category_index_;                     // id -> position in categories_
  std::vector<std::vector<ImageCategoryRecord>> records_;    // per category, in add order
  std::set<int64_t> images_;                                 // ids seen
  int64_t ignored_detections_ = 0;
};

}  // namespace fovea::vision
