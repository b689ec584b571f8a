// Detections back to original-image pixels, and labels files.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "vision/image_encoder.h"
#include "vision/result_mapping.h"

namespace fovea::vision {
namespace {

Detection box(float x1, float y1, float x2, float y2) {
  Detection d;
  d.x1 = x1, d.y1 = y1, d.x2 = x2, d.y2 = y2;
  d.score = 0.9f;
  return d;
}

TEST(VisionResultMapping, LetterboxedDetectionsLandInOriginalPixels) {
  EncoderParams p;  // 640x640, letterbox centered
  // 1920x1080 -> 640x360 with 140 rows of padding above and below.
  auto t = compute_letterbox_transform(1920, 1080, p);
  ASSERT_TRUE(t.is_ok()) << t.status().message();
  std::vector<Detection> dets = {box(100, 200, 200, 300)};
  dets[0].keypoints = {150, 250, 0.8f};
  map_detections_to_source(dets, *t);
  ASSERT_EQ(dets.size(), 1u);
  EXPECT_NEAR(dets[0].x1, 300, 1e-3);
  EXPECT_NEAR(dets[0].y1, (200 - 140) * 3, 1e-3);
  EXPECT_NEAR(dets[0].x2, 600, 1e-3);
  EXPECT_NEAR(dets[0].y2, (300 - 140) * 3, 1e-3);
  EXPECT_NEAR(dets[0].keypoints[0], 450, 1e-3);
  EXPECT_NEAR(dets[0].keypoints[1], (250 - 140) * 3, 1e-3);
  EXPECT_FLOAT_EQ(dets[0].keypoints[2], 0.8f);  // confidence untouched
}

TEST(VisionResultMapping, BoxesAreClippedAndPaddingOnlyBoxesDropped) {
  EncoderParams p;
  auto t = compute_letterbox_transform(1920, 1080, p).value();
  std::vector<Detection> dets = {box(-50, 120, 700, 520), box(10, 0, 100, 130)};  // 2nd: inside the top padding
  map_detections_to_source(dets, t);
  ASSERT_EQ(dets.size(), 1u);
  EXPECT_FLOAT_EQ(dets[0].x1, 0);
  EXPECT_FLOAT_EQ(dets[0].y1, 0);
  EXPECT_FLOAT_EQ(dets[0].x2, 1920);
  EXPECT_FLOAT_EQ(dets[0].y2, 1080);
}

TEST(VisionResultMapping, LabelsFiles) {
  const std::string path = ::testing::TempDir() + "/labels.txt";
  std::ofstream(path) << "person\n  stop sign \r\ncone\n\n";
  auto labels = load_labels(path);
  ASSERT_TRUE(labels.is_ok()) << labels.status().message();
  EXPECT_EQ(*labels, (std::vector<std::string>{"person", "stop sign", "cone"}));
  EXPECT_EQ(label_of(*labels, 1), "stop sign");
  EXPECT_EQ(label_of(*labels, 7), "class 7");
  std::ofstream(path) << "a\n\nb\n";
  auto bad = load_labels(path);
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("line 2"), std::string::npos) << bad.status().message();
  EXPECT_FALSE(load_labels(path + ".missing").is_ok());
  std::ofstream(path) << "\n\n";
  EXPECT_FALSE(load_labels(path).is_ok());
}

}  // namespace
}  // namespace fovea::vision
