// NMS: hand-computed cases and a randomized comparison (thousands of boxes, score ties, several
// classes) against a straightforward O(n^2) torchvision-batched_nms reference written here.
#include "vision/nms.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

namespace fovea::vision {
namespace {

// The reference: visit by (score desc, index asc); suppress later boxes of the same class (or
// any, agnostic) whose IoU with a kept box is strictly above the threshold.
std::vector<size_t> reference_nms(const std::vector<BoxXYXY>& boxes, const std::vector<float>& scores,
                                  const std::vector<int>& classes, float threshold, bool agnostic) {
  std::vector<size_t> order(boxes.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return scores[a] != scores[b] ? scores[a] > scores[b] : a < b;
  });
  auto iou = [](const BoxXYXY& a, const BoxXYXY& b) {
    float iw = std::max(0.0f, std::min(a.x2, b.x2) - std::max(a.x1, b.x1));
    float ih = std::max(0.0f, std::min(a.y2, b.y2) - std::max(a.y1, b.y1));
    float inter = iw * ih;
    return inter / ((a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter);
  };
  std::vector<char> removed(boxes.size(), 0);
  std::vector<size_t> keep;
  for (size_t i = 0; i < order.size(); ++i) {
    size_t a = order[i];
    if (removed[a]) continue;
    keep.push_back(a);
    for (size_t j = i + 1; j < order.size(); ++j) {
      size_t b = order[j];
      if ((agnostic || classes[a] == classes[b]) && iou(boxes[a], boxes[b]) > threshold) removed[b] = 1;
    }
  }
  return keep;
}

TEST(VisionNmsTest, IouOfKnownBoxes) {
  EXPECT_FLOAT_EQ(box_iou({0, 0, 3, 1}, {1, 0, 4, 1}), 0.5f);
  EXPECT_FLOAT_EQ(box_iou({0, 0, 2, 2}, {0, 0, 2, 2}), 1.0f);
  EXPECT_FLOAT_EQ(box_iou({0, 0, 1, 1}, {2, 2, 3, 3}), 0.0f);
  EXPECT_FLOAT_EQ(box_iou({0, 0, 2, 2}, {1, 1, 3, 3}), 1.0f / 7.0f);
}

TEST(VisionNmsTest, SuppressesOnlyStrictlyAboveThreshold) {
  std::vector<BoxXYXY> boxes = {{0, 0, 3, 1}, {1, 0, 4, 1}};  // IoU exactly 0.5
  std::vector<float> scores = {0.9f, 0.8f};
  std::vector<int> classes = {0, 0};
  EXPECT_EQ(batched_nms(boxes, scores, classes, 0.5f, false), (std::vector<size_t>{0, 1}));
  EXPECT_EQ(batched_nms(boxes, scores, classes, 0.49f, false), (std::vector<size_t>{0}));
}

TEST(VisionNmsTest, OrdersByScoreAndBreaksTiesByLowerIndex) {
  // Three disjoint boxes; the two with equal scores keep index order; output is score order.
  std::vector<BoxXYXY> boxes = {{0, 0, 1, 1}, {10, 10, 11, 11}, {20, 20, 21, 21}};
  std::vector<float> scores = {0.5f, 0.7f, 0.5f};
  std::vector<int> classes = {0, 0, 0};
  EXPECT_EQ(batched_nms(boxes, scores, classes, 0.5f, false), (std::vector<size_t>{1, 0, 2}));
  // Identical boxes with equal scores: the lower index survives.
  std::vector<BoxXYXY> same = {{0, 0, 4, 4}, {0, 0, 4, 4}};
  std::vector<float> tie = {0.6f, 0.6f};
  EXPECT_EQ(batched_nms(same, tie, std::vector<int>{1, 1}, 0.5f, false), (std::vector<size_t>{0}));
}

TEST(VisionNmsTest, ClassAwareVersusAgnostic) {
  // Box 1 overlaps box 0 heavily but is another class; box 2 overlaps box 0 in the same class.
  std::vector<BoxXYXY> boxes = {{0, 0, 10, 10}, {1, 0, 11, 10}, {0, 1, 10, 11}, {50, 50, 60, 60}};
  std::vector<float> scores = {0.9f, 0.8f, 0.7f, 0.6f};
  std::vector<int> classes = {0, 1, 0, 1};
  EXPECT_EQ(batched_nms(boxes, scores, classes, 0.5f, false), (std::vector<size_t>{0, 1, 3}));
  EXPECT_EQ(batched_nms(boxes, scores, classes, 0.5f, true), (std::vector<size_t>{0, 3}));
}

TEST(VisionNmsTest, ChainIsGreedyNotTransitive) {
  // A suppresses B; C overlaps B but not A, so C survives (B was suppressed, not kept).
  std::vector<BoxXYXY> boxes = {{0, 0, 10, 10}, {4, 0, 14, 10}, {8, 0, 18, 10}};
  std::vector<float> scores = {0.9f, 0.8f, 0.7f};
  std::vector<int> classes = {0, 0, 0};
  // IoU(A,B) = 60/140 = 0.43, IoU(B,C) = 0.43, IoU(A,C) = 20/180.
  EXPECT_EQ(batched_nms(boxes, scores, classes, 0.4f, false), (std::vector<size_t>{0, 2}));
}

TEST(VisionNmsTest, EmptyInput) {
  EXPECT_TRUE(batched_nms({}, {}, {}, 0.5f, false).empty());
}

TEST(VisionNmsTest, NanScoresSortLast) {
  std::vector<BoxXYXY> boxes = {{0, 0, 1, 1}, {5, 5, 6, 6}};
  std::vector<float> scores = {std::nanf(""), 0.1f};
  EXPECT_EQ(batched_nms(boxes, scores, std::vector<int>{0, 0}, 0.5f, false), (std::vector<size_t>{1, 0}));
}

TEST(VisionNmsTest, RandomizedMatchesReference) {
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    std::mt19937 rng(seed);
    const size_t n = 1000 + 700 * seed;
    // Coordinates on a coarse grid and scores from few levels make exact ties and boundary IoUs common.
    std::uniform_int_distribution<int> pos(0, 60), size(1, 25), level(0, 40), cls(0, 4);
    std::vector<BoxXYXY> boxes(n);
    std::vector<float> scores(n);
    std::vector<int> classes(n);
    for (size_t i = 0; i < n; ++i) {
      float x = static_cast<float>(pos(rng)) * 2, y = static_cast<float>(pos(rng)) * 2;
      boxes[i] = {x, y, x + static_cast<float>(size(rng)) * 2, y + static_cast<float>(size(rng)) * 2};
      scores[i] = static_cast<float>(level(rng)) / 40.0f;
      classes[i] = cls(rng);
    }
    for (float threshold : {0.0f, 0.3f, 0.5f, 0.7f}) {
      for (bool agnostic : {false, true}) {
        auto got = batched_nms(boxes, scores, classes, threshold, agnostic);
        auto want = reference_nms(boxes, scores, classes, threshold, agnostic);
        ASSERT_EQ(got, want) << "seed " << seed << " threshold " << threshold << " agnostic " << agnostic;
      }
    }
  }
}

Detection det(float x1, float y1, float x2, float y2, float score, int cls) {
  Detection d;
  d.x1 = x1, d.y1 = y1, d.x2 = x2, d.y2 = y2, d.score = score, d.class_id = cls;
  return d;
}

TEST(VisionNmsTest, SelectDetectionsPipeline) {
  std::vector<Detection> c = {
      det(0, 0, 10, 10, 0.30f, 0),   // equal to the threshold: dropped (strictly greater kept)
      det(0, 0, 10, 10, 0.90f, 0),   //
      det(0, 1, 10, 11, 0.80f, 0),   // suppressed by the 0.90 box
      det(40, 40, 50, 50, 0.70f, 1), //
      det(80, 80, 90, 90, 0.60f, 2), //
      det(99, 99, 100, 100, 0.50f, 3),
  };
  NmsParams p;
  p.confidence_threshold = 0.30f;
  p.nms_threshold = 0.5f;
  auto all = select_detections(c, p);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_FLOAT_EQ(all[0].score, 0.90f);
  EXPECT_FLOAT_EQ(all[1].score, 0.70f);
  EXPECT_FLOAT_EQ(all[3].score, 0.50f);

  p.max_detections = 2;
  auto capped = select_detections(c, p);
  ASSERT_EQ(capped.size(), 2u);
  EXPECT_EQ(capped[1].class_id, 1);

  // top_k = 2 before NMS keeps 0.90 and 0.80; NMS then removes 0.80.
  p.max_detections = 0;
  p.top_k = 2;
  auto topk = select_detections(c, p);
  ASSERT_EQ(topk.size(), 1u);
  EXPECT_FLOAT_EQ(topk[0].score, 0.90f);
}

TEST(VisionNmsTest, ValidatesParams) {
  NmsParams p;
  EXPECT_TRUE(validate_nms_params(p).is_ok());
  p.nms_threshold = 1.5f;
  EXPECT_FALSE(validate_nms_params(p).is_ok());
  p.nms_threshold = 0.5f;
  p.confidence_threshold = std::nanf("");
  EXPECT_FALSE(validate_nms_params(p).is_ok());
}

}  // namespace
}  // namespace fovea::vision
