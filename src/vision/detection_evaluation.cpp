#include "vision/detection_evaluation.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <numeric>

namespace fovea::vision {
namespace {

// numpy.linspace(start, stop, num) for num >= 2: i * ((stop - start) / (num - 1)) + start, the last
// element set to stop. Matching numpy bit for bit keeps threshold/recall comparisons identical.
std::vector<double> numpy_linspace(double start, double stop, int num) {
  std::vector<double> out(static_cast<size_t>(std::max(num, 0)));
  if (num == 1) out[0] = start;
  if (num < 2) return out;
  const double step = (stop - start) / static_cast<double>(num - 1);
  for (int i = 0; i < num; ++i) {
    const double scaled = static_cast<double>(i) * step;  // two roundings, as numpy (no FMA)
    out[static_cast<size_t>(i)] = scaled + start;
  }
  out.back() = stop;
  return out;
}

bool finite_box(const BoxXYWH& b) {
  return std::isfinite(b.x) && std::isfinite(b.y) && std::isfinite(b.width) && std::isfinite(b.height);
}

Status check_box(const BoxXYWH& b, int64_t image_id, const char* list, size_t index) {
  if (!finite_box(b)) return invalid_argument("image {}: {}[{}].bbox has a non-finite value", image_id, list, index);
  if (b.width < 0 || b.height < 0)
    return invalid_argument("image {}: {}[{}].bbox has a negative width or height ({} x {})", image_id, list, index,
                            b.width, b.height);
  return Status::ok();
}

double mean_of_valid(const std::vector<double>& values) {
  double sum = 0;
  int64_t count = 0;
  for (double v : values)
    if (v > -1) {
      sum += v;
      ++count;
    }
  return count ? sum / static_cast<double>(count) : -1.0;
}

}  // namespace

std::vector<double> coco_iou_thresholds() { return numpy_linspace(0.5, 0.95, 10); }

std::vector<double> coco_recall_points(int points) { return numpy_linspace(0.0, 1.0, points); }

double coco_box_iou(const BoxXYWH& d, const BoxXYWH& g, bool ground_truth_is_crowd) {
  // Same operations, same order as pycocotools' maskApi.c bbIou.
  const double ga = g.width * g.height;
  const double da = d.width * d.height;
  const double w = std::fmin(d.width + d.x, g.width + g.x) - std::fmax(d.x, g.x);
  if (w <= 0) return 0;
  const double h = std::fmin(d.height + d.y, g.height + g.y) - std::fmax(d.y, g.y);
  if (h <= 0) return 0;
  const double i = w * h;
  const double u = ground_truth_is_crowd ? da : da + ga - i;
  return i / u;
}

double DetectionEvaluation::map_at(double iou_threshold) const {
  for (size_t t = 0; t < iou_thresholds.size(); ++t)
    if (std::fabs(iou_thresholds[t] - iou_threshold) < 1e-9) return map_per_iou[t];
  return -1;
}

double DetectionEvaluation::ap_at(const CategoryEvaluation& category, double iou_threshold) const {
  for (size_t t = 0; t < iou_thresholds.size() && t < category.ap.size(); ++t)
    if (std::fabs(iou_thresholds[t] - iou_threshold) < 1e-9) return category.ap[t];
  return -1;
}

DetectionEvaluator::DetectionEvaluator(std::vector<EvaluationCategory> categories, DetectionEvaluationParams params)
    : categories_(std::move(categories)), params_(std::move(params)) {
  recall_points_ = coco_recall_points(params_.recall_points);
  for (size_t k = 0; k < categories_.size(); ++k) category_index_[categories_[k].id] = k;
  records_.resize(categories_.size());
}

Result<DetectionEvaluator> DetectionEvaluator::create(std::vector<EvaluationCategory> categories,
                                                      DetectionEvaluationParams params) {
  if (categories.empty()) return invalid_argument("detection evaluation: categories is empty");
  std::set<int> ids;
  for (size_t k = 0; k < categories.size(); ++k)
    if (!ids.insert(categories[k].id).second)
      return invalid_argument("detection evaluation: categories[{}].id {} is used twice", k, categories[k].id);
  if (params.iou_thresholds.empty()) return invalid_argument("detection evaluation: iou_thresholds is empty");
  for (size_t t = 0; t < params.iou_thresholds.size(); ++t) {
    const double v = params.iou_thresholds[t];
    if (!(v >= 0 && v <= 1))
      return invalid_argument("detection evaluation: iou_thresholds[{}] = {} is outside [0, 1]", t, v);
    if (t > 0 && !(v > params.iou_thresholds[t - 1]))
      return invalid_argument("detection evaluation: iou_thresholds must ascend (index {})", t);
  }
  if (params.recall_points < 2 || params.recall_points > 100001)
    return invalid_argument("detection evaluation: recall_points = {} (need 2..100001)", params.recall_points);
  if (params.max_detections < 1)
    return invalid_argument("detection evaluation: max_detections = {} (need >= 1)", params.max_detections);
  return DetectionEvaluator(std::move(categories), std::move(params));
}

Status DetectionEvaluator::add_image(int64_t image_id, std::span<const GroundTruthObject> ground_truth,
                                     std::span<const ScoredObject> detections) {
  // Validate everything before changing any state.
  if (images_.count(image_id)) return invalid_argument("image {}: added twice", image_id);
  for (size_t i = 0; i < ground_truth.size(); ++i) {
    FOVEA_RETURN_IF_ERROR(check_box(ground_truth[i].box, image_id, "ground_truth", i));
    if (!category_index_.count(ground_truth[i].category_id))
      return invalid_argument("image {}: ground_truth[{}].category_id {} is not an evaluated category", image_id, i,
                              ground_truth[i].category_id);
  }
  for (size_t i = 0; i < detections.size(); ++i) {
    FOVEA_RETURN_IF_ERROR(check_box(detections[i].box, image_id, "detections", i));
    if (!std::isfinite(detections[i].score))
      return invalid_argument("image {}: detections[{}].score is not finite", image_id, i);
  }

  std::vector<std::vector<GroundTruthObject>> gt_by_category(categories_.size());
  std::vector<std::vector<ScoredObject>> dt_by_category(categories_.size());
  for (const auto& g : ground_truth) gt_by_category[category_index_.at(g.category_id)].push_back(g);
  for (const auto& d : detections) {
    auto it = category_index_.find(d.category_id);
    if (it == category_index_.end()) {
      ++ignored_detections_;
      continue;
    }
    dt_by_category[it->second].push_back(d);
  }
  images_.insert(image_id);
  for (size_t k = 0; k < categories_.size(); ++k) {
    // COCOeval skips (image, category) pairs with neither ground truth nor detections.
    if (gt_by_category[k].empty() && dt_by_category[k].empty()) continue;
    records_[k].push_back(match_image(image_id, gt_by_category[k], std::move(dt_by_category[k])));
  }
  return Status::ok();
}

DetectionEvaluator::ImageCategoryRecord DetectionEvaluator::match_image(int64_t image_id,
                                                                        const std::vector<GroundTruthObject>& gt_in,
                                                                        std::vector<ScoredObject> dt) const {
  // Non-crowd ground truth first (stable), detections best score first (stable), cut to maxDets.
  std::vector<GroundTruthObject> gt = gt_in;
  std::stable_sort(gt.begin(), gt.end(), [](const auto& a, const auto& b) { return !a.is_crowd && b.is_crowd; });
  std::stable_sort(dt.begin(), dt.end(), [](const auto& a, const auto& b) { return a.score > b.score; });
  if (dt.size() > static_cast<size_t>(params_.max_detections)) dt.resize(static_cast<size_t>(params_.max_detections));

  const size_t num_t = params_.iou_thresholds.size(), num_d = dt.size(), num_g = gt.size();
  std::vector<double> ious(num_d * num_g);
  for (size_t d = 0; d < num_d; ++d)
    for (size_t g = 0; g < num_g; ++g) ious[d * num_g + g] = coco_box_iou(dt[d].box, gt[g].box, gt[g].is_crowd);

  ImageCategoryRecord record;
  record.image_id = image_id;
  record.scores.reserve(num_d);
  for (const auto& d : dt) record.scores.push_back(d.score);
  record.matched.assign(num_t * num_d, 0);
  record.ignored.assign(num_t * num_d, 0);
  for (const auto& g : gt) (g.is_crowd ? record.crowd : record.ground_truth) += 1;

  std::vector<uint8_t> gt_matched(num_g);
  for (size_t t = 0; t < num_t; ++t) {
    std::fill(gt_matched.begin(), gt_matched.end(), 0);
    for (size_t d = 0; d < num_d; ++d) {
      // COCOeval's loop, line for line: best IoU >= threshold among unmatched (crowd: always
      // available) ground truth; stop at the crowd ones once a regular one matched.
      double best = std::min(params_.iou_thresholds[t], 1 - 1e-10);
      int m = -1;
      for (size_t g = 0; g < num_g; ++g) {
        if (gt_matched[g] && !gt[g].is_crowd) continue;
        if (m > -1 && !gt[static_cast<size_t>(m)].is_crowd && gt[g].is_crowd) break;
        if (ious[d * num_g + g] < best) continue;
        best = ious[d * num_g + g];
        m = static_cast<int>(g);
      }
      if (m == -1) continue;
      record.ignored[t * num_d + d] = gt[static_cast<size_t>(m)].is_crowd ? 1 : 0;
      record.matched[t * num_d + d] = 1;
      gt_matched[static_cast<size_t>(m)] = 1;
    }
  }
  return record;
}

CategoryEvaluation DetectionEvaluator::accumulate(size_t k) const {
  CategoryEvaluation out;
  out.category_id = categories_[k].id;
  out.name = categories_[k].name;
  const size_t num_t = params_.iou_thresholds.size();

  // COCOeval concatenates the images in ascending id order, then merge-sorts (stable) by score.
  std::vector<const ImageCategoryRecord*> records;
  for (const auto& r : records_[k]) records.push_back(&r);
  std::stable_sort(records.begin(), records.end(), [](auto* a, auto* b) { return a->image_id < b->image_id; });
  struct Entry {
    const ImageCategoryRecord* record;
    size_t index;
  };
  std::vector<Entry> ranked;
  for (const auto* r : records) {
    out.ground_truth += r->ground_truth;
    out.crowd += r->crowd;
    for (size_t d = 0; d < r->scores.size(); ++d) ranked.push_back({r, d});
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const Entry& a, const Entry& b) {
    return a.record->scores[a.index] > b.record->scores[b.index];
  });
  out.detections = static_cast<int64_t>(ranked.size());
  out.ap.assign(num_t, -1.0);
  out.recall.assign(num_t, -1.0);

  const size_t nd = ranked.size();
  const double npig = static_cast<double>(out.ground_truth);
  std::vector<double> precision(nd), recall(nd);
  for (size_t t = 0; t < num_t; ++t) {
    double tp = 0, fp = 0;
    for (size_t i = 0; i < nd; ++i) {
      const size_t flat = t * ranked[i].record->scores.size() + ranked[i].index;
      if (!ranked[i].record->ignored[flat]) (ranked[i].record->matched[flat] ? tp : fp) += 1;
      precision[i] = tp / (fp + tp + DBL_EPSILON);  // numpy: tp / (fp + tp + np.spacing(1))
      recall[i] = out.ground_truth ? tp / npig : 0.0;
    }
    if (t == 0) {
      out.true_positives = static_cast<int64_t>(tp);
      out.false_positives = static_cast<int64_t>(fp);
      for (size_t i = 0; i < nd && out.ground_truth; ++i) {
        const double p = precision[i], r = recall[i];
        const double f1 = p + r > 0 ? 2 * p * r / (p + r) : 0.0;
        if (f1 > out.best_f1) {
          out.best_f1 = f1;
          out.precision_at_best_f1 = p;
          out.recall_at_best_f1 = r;
          out.score_at_best_f1 = ranked[i].record->scores[ranked[i].index];
        }
      }
    }
    if (out.ground_truth == 0) continue;  // COCOeval leaves -1: no AP without ground truth
    out.recall[t] = nd ? recall[nd - 1] : 0.0;
    for (size_t i = nd; i-- > 1;)  // precision envelope, right to left
      if (precision[i] > precision[i - 1]) precision[i - 1] = precision[i];
    double sum = 0;
    for (double point : recall_points_) {
      // numpy.searchsorted(rc, point, side='left'): the first rank whose recall reaches `point`.
      const size_t pi = static_cast<size_t>(std::lower_bound(recall.begin(), recall.end(), point) - recall.begin());
      sum += pi < nd ? precision[pi] : 0.0;
    }
    out.ap[t] = sum / static_cast<double>(recall_points_.size());
  }
  out.ap_mean = mean_of_valid(out.ap);
  return out;
}

DetectionEvaluation DetectionEvaluator::evaluate() const {
  DetectionEvaluation e;
  e.iou_thresholds = params_.iou_thresholds;
  e.images = static_cast<int64_t>(images_.size());
  e.ignored_detections = ignored_detections_;
  for (size_t k = 0; k < categories_.size(); ++k) {
    e.categories.push_back(accumulate(k));
    e.ground_truth += e.categories.back().ground_truth;
    e.detections += e.categories.back().detections;
  }
  const size_t num_t = e.iou_thresholds.size();
  std::vector<double> all_ap, all_recall;
  e.map_per_iou.assign(num_t, -1.0);
  for (size_t t = 0; t < num_t; ++t) {
    std::vector<double> ap_t;
    for (const auto& c : e.categories) {
      ap_t.push_back(c.ap[t]);
      all_ap.push_back(c.ap[t]);
      all_recall.push_back(c.recall[t]);
    }
    e.map_per_iou[t] = mean_of_valid(ap_t);
  }
  e.map = mean_of_valid(all_ap);
  e.mean_recall = mean_of_valid(all_recall);
  return e;
}

}  // namespace fovea::vision
