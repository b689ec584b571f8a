// Detector, classification and segmentation decoders on small constructed tensors.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "vision/classification_decoder.h"
#include "vision/segmentation_decoder.h"
#include "vision/yolo_decoder.h"

namespace fovea::vision {
namespace {

// Builds a [1, C, N] channels-first tensor from per-anchor rows (each row has C values).
Tensor channels_first(const std::vector<std::vector<float>>& rows) {
  const size_t n = rows.size(), c = rows[0].size();
  std::vector<float> v(c * n);
  for (size_t a = 0; a < n; ++a)
    for (size_t k = 0; k < c; ++k) v[k * n + a] = rows[a][k];
  return Tensor::from_vector<float>(v, {1, static_cast<int64_t>(c), static_cast<int64_t>(n)});
}

// The same rows as a [1, N, C] anchors-first tensor.
Tensor anchors_first(const std::vector<std::vector<float>>& rows) {
  std::vector<float> v;
  for (const auto& r : rows) v.insert(v.end(), r.begin(), r.end());
  return Tensor::from_vector<float>(v, {1, static_cast<int64_t>(rows.size()), static_cast<int64_t>(rows[0].size())});
}

void expect_box(const Detection& d, float x1, float y1, float x2, float y2, float score, int cls) {
  EXPECT_FLOAT_EQ(d.x1, x1);
  EXPECT_FLOAT_EQ(d.y1, y1);
  EXPECT_FLOAT_EQ(d.x2, x2);
  EXPECT_FLOAT_EQ(d.y2, y2);
  EXPECT_FLOAT_EQ(d.score, score);
  EXPECT_EQ(d.class_id, cls);
}

// 8 anchors (more than 4+nc = 7, so the layout is unambiguous), 3 classes.
const std::vector<std::vector<float>> kV8Rows = {
    {50, 50, 20, 10, 0.10f, 0.90f, 0.20f},   // class 1, box [40,45,60,55]
    {51, 50, 20, 10, 0.10f, 0.80f, 0.20f},   // overlaps row 0, same class: suppressed
    {51, 50, 20, 10, 0.85f, 0.10f, 0.20f},   // same place, class 0: kept when class-aware
    {200, 100, 40, 40, 0.05f, 0.10f, 0.60f}, // class 2, box [180,80,220,120]
    {300, 300, 10, 10, 0.10f, 0.20f, 0.10f}, // below threshold
    {10, 10, 4, 4, 0.50f, 0.50f, 0.30f},     // tie between classes 0 and 1: class 0
    {400, 400, 8, 8, 0.01f, 0.02f, 0.03f},   // below threshold
    {500, 400, 8, 8, 0.25f, 0.02f, 0.03f},   // equal to the threshold: dropped
};

TEST(VisionDecodersTest, YoloV8BothLayoutsDecodeTheSame) {
  DecoderParams p;
  p.nms.confidence_threshold = 0.25f;
  p.nms.nms_threshold = 0.5f;
  auto a = decode_yolov8(channels_first(kV8Rows), p);
  auto b = decode_yolov8(anchors_first(kV8Rows), p);
  ASSERT_TRUE(a.is_ok()) << a.status().to_string();
  ASSERT_TRUE(b.is_ok()) << b.status().to_string();
  ASSERT_EQ(a->size(), 1u);
  const auto& d = (*a)[0];
  ASSERT_EQ(d.size(), 4u);
  expect_box(d[0], 40, 45, 60, 55, 0.90f, 1);
  expect_box(d[1], 41, 45, 61, 55, 0.85f, 0);
  expect_box(d[2], 180, 80, 220, 120, 0.60f, 2);
  expect_box(d[3], 8, 8, 12, 12, 0.50f, 0);
  ASSERT_EQ((*b)[0].size(), d.size());
  for (size_t i = 0; i < d.size(); ++i) expect_box((*b)[0][i], d[i].x1, d[i].y1, d[i].x2, d[i].y2, d[i].score, d[i].class_id);

  // With num_classes given, the layout follows the matching dim.
  p.num_classes = 3;
  auto c = decode_yolov8(anchors_first(kV8Rows), p);
  ASSERT_TRUE(c.is_ok());
  EXPECT_EQ((*c)[0].size(), 4u);

  // Class-agnostic: the class-0 box at the same place is suppressed too.
  p.nms.class_agnostic = true;
  auto ag = decode_yolov8(channels_first(kV8Rows), p);
  ASSERT_TRUE(ag.is_ok());
  EXPECT_EQ((*ag)[0].size(), 3u);
}

TEST(VisionDecodersTest, YoloV8BatchAndHalf) {
  // Two images: the second has only anchor 3 above threshold.
  auto rows2 = kV8Rows;
  for (size_t i = 0; i < rows2.size(); ++i)
    if (i != 3) rows2[i][4] = rows2[i][5] = rows2[i][6] = 0.0f;
  Tensor t0 = channels_first(kV8Rows), t1 = channels_first(rows2);
  std::vector<Half> h;
  for (const Tensor* t : {&t0, &t1})
    for (float v : t->values<float>()) h.push_back(float_to_half(v));
  Tensor batch = Tensor::from_vector<Half>(h, {2, 7, 8});
  DecoderParams p;
  auto r = decode_yolov8(batch, p);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].size(), 4u);
  ASSERT_EQ((*r)[1].size(), 1u);
  EXPECT_EQ((*r)[1][0].batch_index, 1);
  EXPECT_EQ((*r)[1][0].class_id, 2);
  EXPECT_NEAR((*r)[1][0].score, 0.60f, 1e-3f);
}

TEST(VisionDecodersTest, YoloV8RandomHeadSameInBothLayouts) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> pos(0, 320), size(4, 80), score(0, 1);
  const int nc = 5, n = 2000;
  std::vector<std::vector<float>> rows(n);
  for (auto& r : rows) {
    r = {pos(rng), pos(rng), size(rng), size(rng)};
    for (int c = 0; c < nc; ++c) r.push_back(std::round(score(rng) * 20) / 20);  // ties
  }
  DecoderParams p;
  p.nms.top_k = 500;
  p.nms.max_detections = 100;
  auto a = decode_yolov8(channels_first(rows), p);
  auto b = decode_yolov8(anchors_first(rows), p);
  ASSERT_TRUE(a.is_ok() && b.is_ok());
  ASSERT_EQ((*a)[0].size(), (*b)[0].size());
  EXPECT_LE((*a)[0].size(), 100u);
  for (size_t i = 0; i < (*a)[0].size(); ++i) {
    const auto& d = (*a)[0][i];
    expect_box((*b)[0][i], d.x1, d.y1, d.x2, d.y2, d.score, d.class_id);
    if (i > 0) {
      EXPECT_GE((*a)[0][i - 1].score, d.score);
    }
  }
}

TEST(VisionDecodersTest, YoloV8SquareHeadReadsChannelsFirst) {
  // N == 4+nc: ambiguous by shape, read as Ultralytics' export layout [B, 4+nc, N].
  std::vector<std::vector<float>> rows(6, std::vector<float>(6, 0.0f));
  rows[2] = {30, 30, 10, 10, 0.1f, 0.7f};
  auto r = decode_yolov8(channels_first(rows), {});
  ASSERT_TRUE(r.is_ok());
  ASSERT_EQ((*r)[0].size(), 1u);
  expect_box((*r)[0][0], 25, 25, 35, 35, 0.7f, 1);
}

TEST(VisionDecodersTest, YoloV8BadShapes) {
  DecoderParams p;
  auto rank2 = decode_yolov8(Tensor::from_vector<float>(std::vector<float>(12, 0), {3, 4}), p, "output0");
  ASSERT_FALSE(rank2.is_ok());
  EXPECT_NE(rank2.status().message().find("output0"), std::string::npos);
  EXPECT_NE(rank2.status().message().find("[B, 4+nc, N]"), std::string::npos);
  p.num_classes = 80;
  auto mismatch = decode_yolov8(channels_first(kV8Rows), p);
  ASSERT_FALSE(mismatch.is_ok());
  EXPECT_NE(mismatch.status().message().find("84"), std::string::npos);
  p.num_classes = -1;
  auto ints = decode_yolov8(Tensor::from_vector<int32_t>(std::vector<int32_t>(56, 0), {1, 7, 8}), p);
  EXPECT_FALSE(ints.is_ok());
  auto too_few = decode_yolov8(Tensor::from_vector<float>(std::vector<float>(40, 0), {1, 4, 10}), p);
  EXPECT_FALSE(too_few.is_ok());
}

TEST(VisionDecodersTest, YoloV5ObjectnessTimesClass) {
  // cx, cy, w, h, obj, 2 classes.
  std::vector<std::vector<float>> rows = {
      {100, 100, 20, 20, 0.9f, 0.2f, 0.8f},  // score 0.72, class 1
      {100, 100, 20, 20, 0.3f, 0.9f, 0.1f},  // score 0.27, class 0 (other class: kept)
      {300, 300, 10, 10, 0.2f, 0.9f, 0.9f},  // 0.18: below threshold
  };
  DecoderParams p;
  p.nms.confidence_threshold = 0.25f;
  auto r = decode_yolov5(anchors_first(rows), p);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  ASSERT_EQ((*r)[0].size(), 2u);
  expect_box((*r)[0][0], 90, 90, 110, 110, 0.9f * 0.8f, 1);
  expect_box((*r)[0][1], 90, 90, 110, 110, 0.3f * 0.9f, 0);
  p.num_classes = 3;
  EXPECT_FALSE(decode_yolov5(anchors_first(rows), p).is_ok());
  p.num_classes = -1;
  EXPECT_FALSE(decode_yolov5(Tensor::from_vector<float>(std::vector<float>(10, 0), {1, 2, 5}), p).is_ok());
}

TEST(VisionDecodersTest, YoloV8PoseKeypoints) {
  // K = 2 keypoints: 4 + 1 + 6 = 11 channels; 12 anchors so the layout is unambiguous.
  std::vector<std::vector<float>> rows(12, std::vector<float>(11, 0.0f));
  rows[0] = {50, 60, 20, 40, 0.9f, 45, 50, 0.8f, 55, 70, 0.3f};
  rows[5] = {300, 200, 10, 10, 0.7f, 301, 201, 0.9f, 299, 199, 0.1f};
  DecoderParams p;
  for (bool first : {true, false}) {
    auto r = decode_yolov8_pose(first ? channels_first(rows) : anchors_first(rows), p);
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    ASSERT_EQ((*r)[0].size(), 2u);
    expect_box((*r)[0][0], 40, 40, 60, 80, 0.9f, 0);
    EXPECT_EQ((*r)[0][0].keypoints, (std::vector<float>{45, 50, 0.8f, 55, 70, 0.3f}));
    EXPECT_EQ((*r)[0][1].keypoints, (std::vector<float>{301, 201, 0.9f, 299, 199, 0.1f}));
  }
  auto k2 = decode_yolov8_pose(channels_first(rows), p, 2);
  ASSERT_TRUE(k2.is_ok());
  EXPECT_FALSE(decode_yolov8_pose(channels_first(rows), p, 17).is_ok());
  // 10 channels is not 5 + 3K.
  std::vector<std::vector<float>> bad(12, std::vector<float>(10, 0.0f));
  auto r = decode_yolov8_pose(channels_first(bad), p, -1, "pose_out");
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("pose_out"), std::string::npos);
}

TEST(VisionDecodersTest, SsdNormalizedAndPixelBoxesAgree) {
  // 3 anchors, 3 classes where class 0 is background.
  std::vector<float> norm = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.5f, 0.75f, 1.0f, 0.1f, 0.2f, 0.3f, 0.4f};
  std::vector<float> scores = {0.1f, 0.8f, 0.1f, 0.9f, 0.05f, 0.6f, 0.2f, 0.1f, 0.7f};
  SsdParams p;
  p.input_width = 200;
  p.input_height = 100;
  p.background_class = 0;
  Tensor st = Tensor::from_vector<float>(scores, {1, 3, 3});
  auto rn = decode_ssd(Tensor::from_vector<float>(norm, {1, 3, 4}), st, p);
  ASSERT_TRUE(rn.is_ok()) << rn.status().to_string();
  std::vector<float> pixels = norm;
  for (size_t i = 0; i < pixels.size(); ++i) pixels[i] *= (i % 2 == 0) ? 200.0f : 100.0f;
  p.normalized_boxes = false;
  auto rp = decode_ssd(Tensor::from_vector<float>(pixels, {1, 3, 4}), st, p);
  ASSERT_TRUE(rp.is_ok()) << rp.status().to_string();
  // Anchor 1's background 0.9 is ignored: class 2 at 0.6. Anchors 0 and 2 are other classes.
  ASSERT_EQ((*rn)[0].size(), 3u);
  expect_box((*rn)[0][0], 20, 20, 60, 40, 0.8f, 1);
  expect_box((*rn)[0][1], 20, 20, 60, 40, 0.7f, 2);
  expect_box((*rn)[0][2], 100, 50, 150, 100, 0.6f, 2);
  ASSERT_EQ((*rp)[0].size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    const auto& a = (*rn)[0][i];
    expect_box((*rp)[0][i], a.x1, a.y1, a.x2, a.y2, a.score, a.class_id);
  }
  // Mismatched anchor counts and a missing input size are errors naming the tensor / field.
  auto bad = decode_ssd(Tensor::from_vector<float>(norm, {1, 3, 4}), Tensor::from_vector<float>(scores, {1, 9, 1}),
                        p, "boxes", "cls_scores");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("cls_scores"), std::string::npos);
  p.normalized_boxes = true;
  p.input_width = 0;
  EXPECT_FALSE(decode_ssd(Tensor::from_vector<float>(norm, {1, 3, 4}), st, p).is_ok());
}

TEST(VisionDecodersTest, ClassificationSoftmaxTopKWithTies) {
  // Logits 1, 3, 3, 0: classes 1 and 2 tie; the lower id comes first.
  Tensor t = Tensor::from_vector<float>({1, 3, 3, 0, 0, 0, 5, 0}, {2, 4});
  ClassificationParams p;
  p.top_k = 3;
  auto r = decode_classification(t, p);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  const float e = std::exp(1.0f), e3 = std::exp(3.0f), sum = e + 2 * e3 + 1;
  ASSERT_EQ((*r)[0].size(), 3u);
  EXPECT_EQ((*r)[0][0].class_id, 1);
  EXPECT_EQ((*r)[0][1].class_id, 2);
  EXPECT_EQ((*r)[0][2].class_id, 0);
  EXPECT_NEAR((*r)[0][0].score, e3 / sum, 1e-6f);
  EXPECT_NEAR((*r)[0][2].score, e / sum, 1e-6f);
  EXPECT_EQ((*r)[1][0].class_id, 2);
  EXPECT_EQ((*r)[1][1].class_id, 0);  // the three zeros tie: ids 0, 1
  EXPECT_EQ((*r)[1][2].class_id, 1);

  // Probabilities pass through; top_k clamps to the class count; [B, C, 1, 1] is accepted.
  p.inputs_are_probabilities = true;
  p.top_k = 10;
  auto probs = decode_classification(Tensor::from_vector<float>({0.2f, 0.5f, 0.3f}, {1, 3, 1, 1}), p);
  ASSERT_TRUE(probs.is_ok());
  ASSERT_EQ((*probs)[0].size(), 3u);
  EXPECT_EQ((*probs)[0][0].class_id, 1);
  EXPECT_FLOAT_EQ((*probs)[0][0].score, 0.5f);
  // Large logits do not overflow.
  p.inputs_are_probabilities = false;
  auto big = decode_classification(Tensor::from_vector<float>({1000, 999}, {1, 2}), p);
  ASSERT_TRUE(big.is_ok());
  EXPECT_NEAR((*big)[0][0].score, 1.0f / (1.0f + std::exp(-1.0f)), 1e-6f);
  EXPECT_FALSE(decode_classification(Tensor::from_vector<float>({1, 2, 3}, {3}), p).is_ok());
  p.top_k = 0;
  EXPECT_FALSE(decode_classification(t, p).is_ok());
}

TEST(VisionDecodersTest, SegmentationArgmax) {
  // [1, 3, 2, 2] logits; pixel 3 ties classes 1 and 2: class 1.
  std::vector<float> logits = {5, 0, 0, 0,   // class 0
                               1, 4, 0, 2,   // class 1
                               0, 1, 3, 2};  // class 2
  auto m = decode_segmentation(Tensor::from_vector<float>(logits, {1, 3, 2, 2}), {});
  ASSERT_TRUE(m.is_ok()) << m.status().to_string();
  EXPECT_EQ(m->dtype(), DType::kUInt8);
  EXPECT_EQ(m->dims(), (Dims{1, 2, 2}));
  EXPECT_EQ(std::vector<uint8_t>(m->values<uint8_t>().begin(), m->values<uint8_t>().end()),
            (std::vector<uint8_t>{0, 1, 2, 1}));
  SegmentationParams p32;
  p32.mask_dtype = DType::kInt32;
  auto m32 = decode_segmentation(Tensor::from_vector<float>(logits, {1, 3, 2, 2}), p32);
  ASSERT_TRUE(m32.is_ok());
  EXPECT_EQ(m32->data<int32_t>()[2], 2);
  // Too many classes for uint8; wrong rank names the tensor.
  EXPECT_FALSE(decode_segmentation(Tensor::from_vector<float>(std::vector<float>(257, 0), {1, 257, 1, 1}), {}).is_ok());
  auto bad = decode_segmentation(Tensor::from_vector<float>(logits, {3, 4}), {}, "seg_logits");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("seg_logits"), std::string::npos);
}

TEST(VisionDecodersTest, SegmentationSigmoidThreshold) {
  SegmentationParams p;
  p.sigmoid_threshold = 0.5f;
  auto m = decode_segmentation(Tensor::from_vector<float>({-2, 0, 0.1f, 3}, {1, 1, 1, 4}), p);
  ASSERT_TRUE(m.is_ok());
  EXPECT_EQ(std::vector<uint8_t>(m->values<uint8_t>().begin(), m->values<uint8_t>().end()),
            (std::vector<uint8_t>{0, 0, 1, 1}));  // sigmoid(0) = 0.5 is not above 0.5
  p.sigmoid_threshold = 0.9f;
  auto hi = decode_segmentation(Tensor::from_vector<float>({-2, 0, 0.1f, 3}, {1, 1, 1, 4}), p);
  ASSERT_TRUE(hi.is_ok());
  EXPECT_EQ(hi->data<uint8_t>()[2], 0);
  EXPECT_EQ(hi->data<uint8_t>()[3], 1);
}

TEST(VisionDecodersTest, PaletteAndColorize) {
  EXPECT_EQ(palette_color(0), (std::array<uint8_t, 3>{0, 0, 0}));
  EXPECT_EQ(palette_color(1), (std::array<uint8_t, 3>{128, 0, 0}));
  EXPECT_EQ(palette_color(2), (std::array<uint8_t, 3>{0, 128, 0}));
  EXPECT_EQ(palette_color(15), (std::array<uint8_t, 3>{192, 128, 128}));  // VOC "person"
  EXPECT_EQ(palette_color(256 + 1), palette_color(1));
  Tensor mask = Tensor::from_vector<int32_t>({0, 1, 2, 15}, {1, 2, 2});
  auto rgb = colorize_mask(mask);
  ASSERT_TRUE(rgb.is_ok());
  EXPECT_EQ(rgb->dims(), (Dims{1, 2, 2, 3}));
  EXPECT_EQ(rgb->data<uint8_t>()[3], 128);
  EXPECT_EQ(rgb->data<uint8_t>()[9], 192);
  EXPECT_FALSE(colorize_mask(Tensor::from_vector<int32_t>({-1}, {1, 1, 1})).is_ok());
  EXPECT_FALSE(colorize_mask(Tensor::from_vector<float>({0}, {1, 1, 1})).is_ok());
}

TEST(VisionDecodersTest, ResizeMaskNearest) {
  Tensor mask = Tensor::from_vector<uint8_t>({1, 2, 3, 4}, {1, 2, 2});
  auto up = resize_mask_nearest(mask, 4, 4);
  ASSERT_TRUE(up.is_ok());
  std::vector<uint8_t> want = {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4};
  EXPECT_EQ(std::vector<uint8_t>(up->values<uint8_t>().begin(), up->values<uint8_t>().end()), want);
  auto down = resize_mask_nearest(Tensor::from_vector<int32_t>({1, 2, 3, 4, 5, 6}, {1, 1, 6}), 1, 3);
  ASSERT_TRUE(down.is_ok());
  EXPECT_EQ(std::vector<int32_t>(down->values<int32_t>().begin(), down->values<int32_t>().end()),
            (std::vector<int32_t>{1, 3, 5}));
  EXPECT_FALSE(resize_mask_nearest(mask, 0, 4).is_ok());
}

}  // namespace
}  // namespace fovea::vision
