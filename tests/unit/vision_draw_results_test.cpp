// Drawing results: boxes land on the right pixels in the right colour (RGB vs BGR), masks blend
// as cv::addWeighted does, keypoints below the confidence are skipped, bad inputs are refused.
#include <gtest/gtest.h>

#include "vision/draw_results.h"
#include "vision/segmentation_decoder.h"

namespace fovea::vision {
namespace {

struct Canvas {
  std::vector<uint8_t> px;
  MutableImageView view;
  Canvas(int w, int h, PixelEncoding e, uint8_t fill = 0) : px(static_cast<size_t>(w) * h * 3 + 30, fill) {
    view = {px.data(), w, h, static_cast<size_t>(w) * 3, e};
  }
  std::array<uint8_t, 3> at(int x, int y) const {
    const uint8_t* p = px.data() + y * view.step + x * 3;
    return {p[0], p[1], p[2]};
  }
};

TEST(DrawResults, BoxEdgesInTheClassColour) {
  Detection d;
  d.x1 = 20, d.y1 = 30, d.x2 = 80, d.y2 = 90, d.score = 0.9f, d.class_id = 3;
  DrawOptions o;
  o.line_thickness = 1;
  for (PixelEncoding e : {PixelEncoding::kRgb8, PixelEncoding::kBgr8}) {
    Canvas c(120, 120, e);
    ASSERT_TRUE(draw_detections(c.view, std::span<const Detection>(&d, 1), {"a", "b", "c", "car"}, o).is_ok());
    auto colour = class_color(3);
    if (e == PixelEncoding::kBgr8) std::swap(colour[0], colour[2]);
    EXPECT_EQ(c.at(50, 90), colour);  // bottom edge (the label sits on the top edge)
    EXPECT_EQ(c.at(80, 60), colour);  // right edge
    EXPECT_EQ(c.at(50, 60), (std::array<uint8_t, 3>{0, 0, 0}));  // inside stays untouched
    EXPECT_EQ(c.at(5, 110), (std::array<uint8_t, 3>{0, 0, 0}));
    // Row padding after the image is never written.
    EXPECT_EQ(c.px.back(), 0);
  }
}

TEST(DrawResults, KeypointsBelowConfidenceAreSkipped) {
  Detection d;
  d.x1 = 0, d.y1 = 0, d.x2 = 5, d.y2 = 5, d.score = 0.9f;
  d.keypoints = {60, 60, 0.9f, 100, 100, 0.1f};
  Canvas c(128, 128, PixelEncoding::kRgb8);
  ASSERT_TRUE(draw_detections(c.view, std::span<const Detection>(&d, 1), {}).is_ok());
  EXPECT_NE(c.at(60, 60), (std::array<uint8_t, 3>{0, 0, 0}));
  EXPECT_EQ(c.at(100, 100), (std::array<uint8_t, 3>{0, 0, 0}));
}

TEST(DrawResults, MaskBlendsLikeAddWeighted) {
  Canvas c(4, 2, PixelEncoding::kRgb8, 100);
  auto mask = Tensor::from_vector(std::vector<uint8_t>{0, 1, 2, 0, 0, 0, 1, 1}, {2, 4});
  DrawOptions o;
  o.mask_alpha = 0.5f;
  ASSERT_TRUE(blend_mask(c.view, mask, o).is_ok());
  EXPECT_EQ(c.at(0, 0), (std::array<uint8_t, 3>{100, 100, 100}));  // background untouched
  const auto p1 = palette_color(1);
  for (int ch = 0; ch < 3; ++ch) EXPECT_NEAR(c.at(1, 0)[ch], (100 + p1[ch]) / 2.0, 0.51);
  const auto p2 = palette_color(2);
  for (int ch = 0; ch < 3; ++ch) EXPECT_NEAR(c.at(2, 0)[ch], (100 + p2[ch]) / 2.0, 0.51);
  EXPECT_FALSE(blend_mask(c.view, Tensor::from_vector(std::vector<uint8_t>{0, 1}, {1, 2}), o).is_ok());
}

TEST(DrawResults, RefusesBadImages) {
  Detection d;
  Canvas c(4, 4, PixelEncoding::kRgb8);
  MutableImageView v = c.view;
  v.encoding = PixelEncoding::kMono8;
  EXPECT_FALSE(draw_detections(v, std::span<const Detection>(&d, 1), {}).is_ok());
  v = c.view;
  v.step = 5;
  EXPECT_FALSE(draw_detections(v, std::span<const Detection>(&d, 1), {}).is_ok());
  v = c.view;
  v.data = nullptr;
  EXPECT_FALSE(draw_results(v, {}, {}, Tensor(), {}).is_ok());
  // Non-finite boxes are skipped, not drawn across the image.
  Detection nan;
  nan.x1 = std::nanf("");
  EXPECT_TRUE(draw_detections(c.view, std::span<const Detection>(&nan, 1), {}).is_ok());
}

TEST(DrawResults, ClassificationText) {
  Canvas c(200, 100, PixelEncoding::kRgb8);
  const ClassScore cls[] = {{1, 0.9f}, {0, 0.1f}};
  ASSERT_TRUE(draw_classification(c.view, cls, {"cat", "dog"}).is_ok());
  int changed = 0;
  for (int y = 0; y < 40; ++y)
    for (int x = 0; x < 100; ++x) changed += c.at(x, y) != std::array<uint8_t, 3>{0, 0, 0};
  EXPECT_GT(changed, 100);
}

}  // namespace
}  // namespace fovea::vision
