// COCO-style mAP: constructed cases whose answers are known in closed form (perfect, shifted by a
// known IoU, half missing, duplicates, wrong class, empty, images without ground truth, crowd,
// maxDets, tie order) and a small 2-class case computed by hand in the comments below.
// The last test compares a random case with numbers from pycocotools' COCOeval code
// (tests/data/coco_eval/README.md says how they were made; pycocotools is not installed here).
#include "vision/detection_evaluation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "io/coco_dataset.h"

namespace fovea::vision {
namespace {

constexpr double kTol = 1e-12;  // precision is tp / (tp + fp + 2^-52): "1" is 1 - ~1e-16

GroundTruthObject gt(int category, double x, double y, double w, double h, bool crowd = false) {
  return {{x, y, w, h}, category, crowd};
}
ScoredObject det(int category, double x, double y, double w, double h, double score) {
  return {{x, y, w, h}, category, score};
}

DetectionEvaluator make(std::vector<EvaluationCategory> categories, DetectionEvaluationParams params = {}) {
  auto e = DetectionEvaluator::create(std::move(categories), std::move(params));
  EXPECT_TRUE(e.is_ok()) << e.status().to_string();
  return std::move(e).value();
}

void add(DetectionEvaluator& e, int64_t image, std::vector<GroundTruthObject> g, std::vector<ScoredObject> d) {
  Status s = e.add_image(image, g, d);
  ASSERT_TRUE(s.is_ok()) << s.to_string();
}

TEST(VisionDetectionEvaluation, ThresholdsMatchNumpyLinspace) {
  // Values numpy.linspace(.5, .95, 10) prints with repr: note 0.8999999999999999.
  const std::vector<double> t = coco_iou_thresholds();
  ASSERT_EQ(t.size(), 10u);
  EXPECT_EQ(t[0], 0.5);
  EXPECT_EQ(t[2], 0.6);
  EXPECT_EQ(t[6], 0.8);
  EXPECT_EQ(t[8], 0.8999999999999999);
  EXPECT_EQ(t[9], 0.95);
  const std::vector<double> r = coco_recall_points();
  ASSERT_EQ(r.size(), 101u);
  EXPECT_EQ(r[0], 0.0);
  EXPECT_EQ(r[50], 0.5);
  EXPECT_EQ(r[100], 1.0);
  for (int i = 0; i < 101; ++i) EXPECT_EQ(r[i], i * (1.0 / 100.0)) << i;
}

TEST(VisionDetectionEvaluation, BoxIouAsPycocotools) {
  EXPECT_DOUBLE_EQ(coco_box_iou({0, 0, 10, 10}, {0, 0, 10, 10}, false), 1.0);
  EXPECT_EQ(coco_box_iou({10, 0, 40, 40}, {0, 0, 40, 40}, false), 0.6);  // 1200 / 2000
  EXPECT_EQ(coco_box_iou({10, 10, 5, 5}, {0, 0, 10, 10}, false), 0.0);   // touching corners only
  // Crowd: intersection over the detection's area.
  EXPECT_DOUBLE_EQ(coco_box_iou({5, 5, 10, 10}, {0, 0, 100, 100}, true), 1.0);
  EXPECT_DOUBLE_EQ(coco_box_iou({95, 0, 10, 10}, {0, 0, 100, 100}, true), 0.5);
  EXPECT_EQ(coco_box_iou({0, 0, 0, 10}, {0, 0, 10, 10}, false), 0.0);  // empty box, no 0/0
}

TEST(VisionDetectionEvaluation, PerfectDetectionsScoreOne) {
  auto e = make({{0, "a"}, {1, "b"}});
  add(e, 1, {gt(0, 10, 10, 50, 40), gt(1, 100, 50, 20, 80)},
      {det(0, 10, 10, 50, 40, 0.9), det(1, 100, 50, 20, 80, 0.8)});
  add(e, 2, {gt(0, 0, 0, 5, 5), gt(0, 300, 200, 100, 100)},
      {det(0, 0, 0, 5, 5, 0.3), det(0, 300, 200, 100, 100, 0.99)});
  const DetectionEvaluation r = e.evaluate();
  EXPECT_NEAR(r.map, 1.0, kTol);
  EXPECT_NEAR(r.map_at(0.5), 1.0, kTol);
  EXPECT_NEAR(r.map_at(0.75), 1.0, kTol);
  EXPECT_NEAR(r.mean_recall, 1.0, kTol);
  EXPECT_EQ(r.images, 2);
  EXPECT_EQ(r.ground_truth, 4);
  EXPECT_EQ(r.detections, 4);
  EXPECT_EQ(r.categories[0].true_positives, 3);
  EXPECT_EQ(r.categories[0].false_positives, 0);
  EXPECT_NEAR(r.categories[0].best_f1, 1.0, kTol);
  EXPECT_EQ(r.categories[0].score_at_best_f1, 0.3);  // the last detection reaches recall 1
}

TEST(VisionDetectionEvaluation, ShiftedToIou06MatchesOnlyUpTo06) {
  // Every detection is its box shifted by a quarter width: IoU = 30*40 / (2*1600 - 1200) = 0.6
  // exactly, so it matches at thresholds 0.50, 0.55, 0.60 (IoU >= threshold) and misses above.
  auto e = make({{0, "a"}});
  for (int i = 0; i < 4; ++i)
    add(e, i, {gt(0, 100.0 * i, 0, 40, 40)}, {det(0, 100.0 * i + 10, 0, 40, 40, 0.5 + 0.1 * i)});
  const DetectionEvaluation r = e.evaluate();
  for (size_t t = 0; t < r.iou_thresholds.size(); ++t)
    EXPECT_NEAR(r.map_per_iou[t], t < 3 ? 1.0 : 0.0, kTol) << r.iou_thresholds[t];
  EXPECT_NEAR(r.map_at(0.5), 1.0, kTol);
  EXPECT_NEAR(r.map, 3.0 / 10.0, kTol);
  EXPECT_NEAR(r.mean_recall, 3.0 / 10.0, kTol);
}

TEST(VisionDetectionEvaluation, MissingHalfCapsRecall) {
  // 10 objects, 5 found exactly: precision 1 up to recall 0.5, so 51 of the 101 recall points
  // (0, 0.01, ..., 0.50) read 1 and the rest 0.
  auto e = make({{0, "a"}});
  for (int i = 0; i < 10; ++i) {
    std::vector<ScoredObject> d;
    if (i % 2 == 0) d.push_back(det(0, 0, 0, 20, 20, 0.9 - 0.01 * i));
    add(e, i, {gt(0, 0, 0, 20, 20)}, d);
  }
  const DetectionEvaluation r = e.evaluate();
  EXPECT_NEAR(r.map_at(0.5), 51.0 / 101.0, kTol);
  EXPECT_NEAR(r.map, 51.0 / 101.0, kTol);
  EXPECT_NEAR(r.categories[0].recall[0], 0.5, kTol);
  EXPECT_EQ(r.categories[0].ground_truth, 10);
  EXPECT_EQ(r.categories[0].true_positives, 5);
}

TEST(VisionDetectionEvaluation, DuplicatesAreFalsePositivesAfterTheTrueOne) {
  // Two images, one object each, every object found twice. Ranking: TP 0.9, dup 0.8 (FP),
  // TP 0.7, dup 0.6 (FP). Recall .5 .5 1 1, precision 1 .5 .667 .5, envelope 1 .667 .667 .5:
  // recall points 0..0.50 read 1, points 0.51..1.00 read 2/3 -> AP = (51 + 50 * 2/3) / 101.
  auto e = make({{0, "a"}});
  add(e, 1, {gt(0, 0, 0, 30, 30)}, {det(0, 0, 0, 30, 30, 0.9), det(0, 1, 1, 30, 30, 0.8)});
  add(e, 2, {gt(0, 50, 50, 30, 30)}, {det(0, 50, 50, 30, 30, 0.7), det(0, 50, 50, 30, 30, 0.6)});
  const DetectionEvaluation r = e.evaluate();
  const double expected = (51.0 + 50.0 * 2.0 / 3.0) / 101.0;
  EXPECT_NEAR(r.map_at(0.5), expected, 1e-9);
  EXPECT_EQ(r.categories[0].true_positives, 2);
  EXPECT_EQ(r.categories[0].false_positives, 2);
}

TEST(VisionDetectionEvaluation, WrongClassScoresZero) {
  // Right boxes, swapped classes: both categories have ground truth and no correct detection.
  auto e = make({{0, "a"}, {1, "b"}});
  add(e, 1, {gt(0, 0, 0, 10, 10), gt(1, 50, 50, 10, 10)},
      {det(1, 0, 0, 10, 10, 0.9), det(0, 50, 50, 10, 10, 0.9)});
  const DetectionEvaluation r = e.evaluate();
  EXPECT_EQ(r.map, 0.0);
  EXPECT_EQ(r.map_at(0.5), 0.0);
  EXPECT_EQ(r.categories[0].false_positives, 1);
  EXPECT_EQ(r.categories[1].false_positives, 1);
}

TEST(VisionDetectionEvaluation, EmptyPredictionsScoreZero) {
  auto e = make({{0, "a"}, {1, "b"}});
  add(e, 1, {gt(0, 0, 0, 10, 10)}, {});
  add(e, 2, {gt(1, 0, 0, 10, 10)}, {});
  const DetectionEvaluation r = e.evaluate();
  EXPECT_EQ(r.map, 0.0);
  EXPECT_EQ(r.mean_recall, 0.0);
  EXPECT_EQ(r.detections, 0);
  EXPECT_EQ(r.categories[0].ap[0], 0.0);
}

TEST(VisionDetectionEvaluation, ImagesWithoutGroundTruthAddFalsePositives) {
  // The background image's detection outranks the true one: ranking FP 0.9, TP 0.5; recall 0, 1;
  // precision 0, .5; envelope .5, .5 -> AP 0.5 at every threshold. An empty image changes nothing.
  auto e = make({{0, "a"}, {1, "b"}});
  add(e, 1, {gt(0, 0, 0, 10, 10)}, {det(0, 0, 0, 10, 10, 0.5)});
  add(e, 2, {}, {det(0, 5, 5, 10, 10, 0.9)});
  add(e, 3, {}, {});
  // Category 1 has detections but no ground truth anywhere: no AP, left out of the mean.
  add(e, 4, {}, {det(1, 0, 0, 10, 10, 0.99)});
  const DetectionEvaluation r = e.evaluate();
  EXPECT_NEAR(r.map, 0.5, kTol);
  EXPECT_NEAR(r.map_at(0.5), 0.5, kTol);
  EXPECT_EQ(r.categories[1].ap_mean, -1.0);
  EXPECT_EQ(r.categories[1].ap[0], -1.0);
  EXPECT_EQ(r.categories[1].detections, 1);
  EXPECT_EQ(r.images, 4);
}

TEST(VisionDetectionEvaluation, TwoClassCaseComputedByHand) {
  // Categories with sparse ids 3 ("A") and 7 ("B").
  //  image 1: GT A1 [0,0,10,10], B1 [20,20,10,10]; detections A [0,0,10,10] .9 (IoU 1 with A1),
  //           A [2,0,10,10] .6 (IoU 80/120 with A1, already taken: FP everywhere),
  //           B [20,20,10,10] .8 (TP everywhere)
  //  image 2: GT A2 [0,0,20,20]; detections A [0,0,20,16.4] .7 (IoU 0.82: TP for t <= 0.80,
  //           FP for 0.85, 0.90, 0.95), B [0,0,20,20] .95 (no B there: FP)
  // A (2 objects): t <= 0.8: TP TP FP -> precision 1 up to recall 1 -> AP 1 (7 thresholds);
  //   t > 0.8: TP FP FP -> recall stays 0.5 -> AP 51/101 (3 thresholds). AP_A = (7 + 3*51/101)/10.
  // B (1 object): FP .95, TP .8 -> recall 0, 1, precision 0, .5 -> envelope .5 -> AP 0.5 at all t.
  // mAP@0.5 = (1 + .5)/2 = .75; mAP@.5:.95 = (AP_A + .5)/2; AR = ((7 + 3*.5)/10 + 1)/2 = .925.
  auto e = make({{3, "A"}, {7, "B"}});
  add(e, 1, {gt(3, 0, 0, 10, 10), gt(7, 20, 20, 10, 10)},
      {det(3, 0, 0, 10, 10, 0.9), det(3, 2, 0, 10, 10, 0.6), det(7, 20, 20, 10, 10, 0.8)});
  add(e, 2, {gt(3, 0, 0, 20, 20)}, {det(3, 0, 0, 20, 16.4, 0.7), det(7, 0, 0, 20, 20, 0.95)});
  const DetectionEvaluation r = e.evaluate();
  const double ap_a = (7.0 + 3.0 * 51.0 / 101.0) / 10.0;
  ASSERT_EQ(r.categories.size(), 2u);
  const CategoryEvaluation& a = r.categories[0];
  const CategoryEvaluation& b = r.categories[1];
  EXPECT_EQ(a.category_id, 3);
  EXPECT_EQ(b.name, "B");
  EXPECT_NEAR(a.ap_mean, ap_a, 1e-12);
  EXPECT_NEAR(r.ap_at(a, 0.8), 1.0, kTol);
  EXPECT_NEAR(r.ap_at(a, 0.85), 51.0 / 101.0, kTol);
  EXPECT_NEAR(b.ap_mean, 0.5, kTol);
  EXPECT_NEAR(r.map_at(0.5), 0.75, kTol);
  EXPECT_NEAR(r.map, (ap_a + 0.5) / 2.0, 1e-12);
  EXPECT_NEAR(r.mean_recall, 0.925, 1e-12);
  EXPECT_EQ(a.ground_truth, 2);
  EXPECT_EQ(a.detections, 3);
  EXPECT_EQ(a.true_positives, 2);
  EXPECT_EQ(a.false_positives, 1);
  EXPECT_EQ(b.true_positives, 1);
  EXPECT_EQ(b.false_positives, 1);
  // Best F1 at IoU 0.5: A after its 2nd detection (p 1, r 1, score .7); B after its 2nd (p .5, r 1).
  EXPECT_NEAR(a.best_f1, 1.0, kTol);
  EXPECT_EQ(a.score_at_best_f1, 0.7);
  EXPECT_NEAR(b.best_f1, 2.0 / 3.0, kTol);
  EXPECT_NEAR(b.precision_at_best_f1, 0.5, kTol);
  EXPECT_EQ(b.score_at_best_f1, 0.8);
  EXPECT_EQ(r.map_at(0.42), -1.0);  // not one of the thresholds
}

TEST(VisionDetectionEvaluation, MatchesTheBestIouGroundTruth) {
  // The first detection overlaps both objects, GT2 more (IoU 90/110 vs 70/130). Matching it to
  // GT2 leaves GT1 for the second detection: 2 TPs. (Matching the first listed GT would leave
  // the second detection with IoU 60/140 to GT2: an FP.)
  auto e = make({{0, "a"}});
  add(e, 1, {gt(0, 0, 0, 10, 10), gt(0, 4, 0, 10, 10)}, {det(0, 3, 0, 10, 10, 0.9), det(0, 0, 0, 10, 10, 0.8)});
  const DetectionEvaluation r = e.evaluate();
  EXPECT_NEAR(r.map_at(0.5), 1.0, kTol);
  EXPECT_EQ(r.categories[0].true_positives, 2);
}

TEST(VisionDetectionEvaluation, CrowdRegionsAbsorbDetections) {
  // A detection inside a crowd region is ignored (neither TP nor FP), even ranked first; without
  // the crowd flag it is an FP ranked first, halving the envelope: AP 0.5.
  auto with_crowd = make({{0, "a"}});
  add(with_crowd, 1, {gt(0, 0, 0, 10, 10), gt(0, 50, 50, 40, 40, true)},
      {det(0, 55, 55, 10, 10, 0.95), det(0, 60, 60, 10, 10, 0.94), det(0, 0, 0, 10, 10, 0.9)});
  const DetectionEvaluation r = with_crowd.evaluate();
  EXPECT_NEAR(r.map, 1.0, kTol);
  EXPECT_EQ(r.categories[0].ground_truth, 1);
  EXPECT_EQ(r.categories[0].crowd, 1);
  EXPECT_EQ(r.categories[0].false_positives, 0);
  EXPECT_EQ(r.categories[0].true_positives, 1);

  auto no_crowd = make({{0, "a"}});
  add(no_crowd, 1, {gt(0, 0, 0, 10, 10)}, {det(0, 55, 55, 10, 10, 0.95), det(0, 0, 0, 10, 10, 0.9)});
  EXPECT_NEAR(no_crowd.evaluate().map, 0.5, kTol);

  // Crowd-only category: no AP.
  auto only_crowd = make({{0, "a"}});
  add(only_crowd, 1, {gt(0, 0, 0, 10, 10, true)}, {det(0, 0, 0, 10, 10, 0.9)});
  EXPECT_EQ(only_crowd.evaluate().map, -1.0);
}

TEST(VisionDetectionEvaluation, MaxDetectionsPerImageAndCategory) {
  // 3 objects, 3 exact detections, maxDets 2: the lowest-scored one is dropped, recall 2/3;
  // recall points 0 .. 0.66 (67 of them) read 1.
  DetectionEvaluationParams params;
  params.max_detections = 2;
  auto e = make({{0, "a"}, {1, "b"}}, params);
  add(e, 1, {gt(0, 0, 0, 10, 10), gt(0, 20, 0, 10, 10), gt(0, 40, 0, 10, 10), gt(1, 0, 50, 10, 10)},
      {det(0, 40, 0, 10, 10, 0.1), det(0, 0, 0, 10, 10, 0.9), det(0, 20, 0, 10, 10, 0.8), det(1, 0, 50, 10, 10, 0.05)});
  const DetectionEvaluation r = e.evaluate();
  EXPECT_NEAR(r.categories[0].ap_mean, 67.0 / 101.0, kTol);
  EXPECT_EQ(r.categories[0].detections, 2);
  EXPECT_NEAR(r.categories[1].ap_mean, 1.0, kTol);  // the cut is per category
}

TEST(VisionDetectionEvaluation, EqualScoresRankByImageIdNotAddOrder) {
  // Equal scores: COCOeval's stable sort keeps image id order, so image 1's FP precedes image
  // 2's TP (AP 0.5) although image 2 was added first.
  auto e = make({{0, "a"}});
  add(e, 2, {gt(0, 0, 0, 10, 10)}, {det(0, 0, 0, 10, 10, 0.5)});
  add(e, 1, {}, {det(0, 0, 0, 10, 10, 0.5)});
  EXPECT_NEAR(e.evaluate().map_at(0.5), 0.5, kTol);
}

TEST(VisionDetectionEvaluation, UnknownDetectionCategoriesAreIgnored) {
  auto e = make({{0, "a"}});
  add(e, 1, {gt(0, 0, 0, 10, 10)}, {det(0, 0, 0, 10, 10, 0.5), det(5, 0, 0, 10, 10, 0.9)});
  const DetectionEvaluation r = e.evaluate();
  EXPECT_EQ(r.ignored_detections, 1);
  EXPECT_NEAR(r.map, 1.0, kTol);
}

TEST(VisionDetectionEvaluation, BadInputsNameTheField) {
  EXPECT_FALSE(DetectionEvaluator::create({}).is_ok());
  auto dup = DetectionEvaluator::create({{1, "a"}, {1, "b"}});
  ASSERT_FALSE(dup.is_ok());
  EXPECT_NE(dup.status().message().find("categories[1].id"), std::string::npos);
  DetectionEvaluationParams bad_thresholds;
  bad_thresholds.iou_thresholds = {0.5, 1.5};
  EXPECT_FALSE(DetectionEvaluator::create({{0, "a"}}, bad_thresholds).is_ok());
  DetectionEvaluationParams bad_max;
  bad_max.max_detections = 0;
  EXPECT_FALSE(DetectionEvaluator::create({{0, "a"}}, bad_max).is_ok());

  auto e = make({{0, "a"}});
  std::vector<ScoredObject> nan_score = {det(0, 0, 0, 1, 1, 0.5), det(0, 0, 0, 1, 1, std::nan(""))};
  Status s = e.add_image(1, {}, nan_score);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("image 1: detections[1].score"), std::string::npos) << s.message();
  std::vector<GroundTruthObject> negative = {gt(0, 0, 0, -1, 1)};
  s = e.add_image(2, negative, {});
  EXPECT_NE(s.message().find("ground_truth[0].bbox"), std::string::npos) << s.message();
  std::vector<GroundTruthObject> unknown = {gt(9, 0, 0, 1, 1)};
  s = e.add_image(3, unknown, {});
  EXPECT_NE(s.message().find("ground_truth[0].category_id 9"), std::string::npos) << s.message();
  std::vector<ScoredObject> inf_box = {det(0, INFINITY, 0, 1, 1, 0.5)};
  EXPECT_FALSE(e.add_image(4, {}, inf_box).is_ok());
  // Failed calls left nothing behind: the ids are still free, and a repeat is refused.
  add(e, 1, {}, {});
  EXPECT_FALSE(e.add_image(1, {}, {}).is_ok());
  EXPECT_EQ(e.evaluate().images, 1);
}

TEST(VisionDetectionEvaluation, MatchesCocoevalOnRandomCase) {
  const std::string dir = std::string(FOVEA_SOURCE_DIR) + "/tests/data/coco_eval/";
  auto dataset = io::load_coco_dataset(dir, dir + "annotations.json", dir);
  ASSERT_TRUE(dataset.is_ok()) << dataset.status().to_string();
  const nlohmann::json detections = nlohmann::json::parse(std::ifstream(dir + "detections.json"));
  const nlohmann::json expected = nlohmann::json::parse(std::ifstream(dir + "expected.json"));
  std::map<int64_t, std::vector<ScoredObject>> by_image;
  for (const auto& d : detections) {
    const auto& b = d["bbox"];
    by_image[d["image_id"].get<int64_t>()].push_back(
        {{b[0].get<double>(), b[1].get<double>(), b[2].get<double>(), b[3].get<double>()},
         d["category_id"].get<int>(), d["score"].get<double>()});
  }
  auto e = make(dataset->evaluation_categories());
  for (size_t i = 0; i < dataset->images.size(); ++i)
    add(e, dataset->images[i].id, dataset->ground_truth_of_image(i), by_image[dataset->images[i].id]);
  const DetectionEvaluation r = e.evaluate();
  EXPECT_NEAR(r.map, expected["map"].get<double>(), 1e-12);
  EXPECT_NEAR(r.map_at(0.5), expected["map50"].get<double>(), 1e-12);
  EXPECT_NEAR(r.map_at(0.75), expected["map75"].get<double>(), 1e-12);
  EXPECT_NEAR(r.mean_recall, expected["ar100"].get<double>(), 1e-12);
  ASSERT_EQ(r.categories.size(), expected["per_class"].size());
  for (size_t k = 0; k < r.categories.size(); ++k)
    EXPECT_NEAR(r.categories[k].ap_mean, expected["per_class"][k].get<double>(), 1e-12) << k;
  // The crowded first image's category-4 detections were cut to maxDets (100).
  int64_t raw = 0, crowded = 0;
  for (const auto& [image, list] : by_image)
    for (const auto& d : list)
      if (d.category_id == 4) (image == dataset->images[0].id ? crowded : raw) += 1;
  ASSERT_GT(crowded, 100);
  EXPECT_EQ(r.categories[1].detections, raw + 100);
}

}  // namespace
}  // namespace fovea::vision
