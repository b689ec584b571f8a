// Letterbox geometry and the transform back to original pixels: synthetic images holding a known
// rectangle, at many aspect ratios, with and without padding, crop and either interpolation, are
// encoded; the rectangle found in the network input, mapped back, must land where it was drawn.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "vision/image_encoder.h"
#include "vision/letterbox_transform.h"
#include "vision_test_images.h"

namespace fovea::vision {
namespace {

using testing::allocate_output;
using testing::output_at;
using testing::OwnedImage;

TEST(VisionLetterboxTest, GeometryMatchesTheYoloLetterbox) {
  LetterboxGeometry g = compute_letterbox_geometry(1920, 1080, 640, 640, true, true);
  EXPECT_EQ(g.resized_w, 640);
  EXPECT_EQ(g.resized_h, 360);
  EXPECT_EQ(g.pad_x, 0);
  EXPECT_EQ(g.pad_y, 140);
  g = compute_letterbox_geometry(100, 51, 64, 64, true, true);  // 51 * 0.64 = 32.64 rounds to 33
  EXPECT_EQ(g.resized_h, 33);
  EXPECT_EQ(g.pad_y, 15);  // (64 - 33) / 2 floored
  g = compute_letterbox_geometry(480, 640, 640, 640, true, false);
  EXPECT_EQ(g.resized_w, 480);
  EXPECT_EQ(g.pad_x, 0);  // top-left: all padding on the right
  g = compute_letterbox_geometry(480, 640, 320, 200, false, true);
  EXPECT_EQ(g.resized_w, 320);
  EXPECT_EQ(g.resized_h, 200);
  EXPECT_EQ(g.pad_x + g.pad_y, 0);
}

TEST(VisionLetterboxTest, TransformMapsBothWaysAndClips) {
  EncoderParams p;  // 640x640 centered letterbox
  p.crop = CropRoi{100, 50, 1600, 900};
  const LetterboxTransform t = compute_letterbox_transform(1920, 1080, p).value();
  EXPECT_DOUBLE_EQ(t.scale_x, 0.4);
  EXPECT_DOUBLE_EQ(t.scale_y, 0.4);
  EXPECT_DOUBLE_EQ(t.pad_y, 140);
  const auto src = t.map_to_source(320, 320);
  EXPECT_DOUBLE_EQ(src[0], 100 + 800);
  EXPECT_DOUBLE_EQ(src[1], 50 + 450);
  const auto back = t.map_to_network(src[0], src[1]);
  EXPECT_DOUBLE_EQ(back[0], 320);
  EXPECT_DOUBLE_EQ(back[1], 320);
  // A box reaching into the padding and beyond the crop is clipped to the whole image.
  const auto box = t.map_box_to_source(-50, 0, 700, 400);
  EXPECT_DOUBLE_EQ(box[0], 0);
  EXPECT_DOUBLE_EQ(box[1], 0);     // 50 + (0 - 140) / 0.4 < 0
  EXPECT_DOUBLE_EQ(box[2], 1850);  // 100 + 700 / 0.4
  EXPECT_DOUBLE_EQ(box[3], 50 + 260 / 0.4);
}

struct Rect {
  int x, y, w, h;
};

// A bgr8 image, dark except for a bright rectangle.
OwnedImage image_with_rect(int w, int h, const Rect& r) {
  OwnedImage img =
      testing::make_image(PixelEncoding::kBgr8, w, h, static_cast<size_t>(w) * 3, h, 3);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const bool inside = x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
      uint8_t* px = img.bytes.data() + y * img.view.step + 3 * x;
      px[0] = px[1] = px[2] = inside ? 230 : 20;
    }
  }
  return img;
}

// Continuous bounds (x1, y1, x2, y2) of the network pixels brighter than halfway.
std::array<double, 4> find_bright_box(const Tensor& out, const EncoderParams& p) {
  const float threshold = (20.0f + 230.0f) / 2.0f / 255.0f;
  int x1 = p.network_image_width, y1 = p.network_image_height, x2 = -1, y2 = -1;
  for (int y = 0; y < p.network_image_height; ++y) {
    for (int x = 0; x < p.network_image_width; ++x) {
      if (output_at(out, p, 0, 1, x, y) > threshold) {
        x1 = std::min(x1, x), y1 = std::min(y1, y), x2 = std::max(x2, x), y2 = std::max(y2, y);
      }
    }
  }
  return {double(x1), double(y1), double(x2 + 1), double(y2 + 1)};
}

TEST(VisionLetterboxTest, KnownRectangleMapsBackAtManyAspectRatios) {
  const std::pair<int, int> sources[] = {{1920, 1080}, {1080, 1920}, {640, 480}, {300, 700},
                                         {1000, 150},  {123, 457},   {64, 64},   {37, 200}};
  const std::pair<int, int> networks[] = {{320, 320}, {256, 160}, {160, 288}};
  std::mt19937 rng(7);
  int cases = 0;
  for (const auto& [sw, sh] : sources) {
    for (const auto& [nw, nh] : networks) {
      for (int variant = 0; variant < 8; ++variant) {
        EncoderParams p;
        p.network_image_width = nw;
        p.network_image_height = nh;
        p.enable_padding = variant % 4 != 3;
        p.letterbox_centered = variant % 2 == 0;
        p.interpolation = variant < 4 ? Interpolation::kBilinear : Interpolation::kNearest;
        p.pad_value = 0.0f;
        if (variant % 4 == 2) {  // crop the middle of the image (the rectangle lies inside it)
          p.crop = CropRoi{sw / 8, sh / 8, sw - sw / 4, sh - sh / 4};
        }
        const CropRoi crop = p.crop.value_or(CropRoi{0, 0, sw, sh});
        const LetterboxTransform t = compute_letterbox_transform(sw, sh, p).value();
        // The rectangle spans at least 4 network pixels and a quarter of the crop on each axis.
        const int min_w = std::max(crop.width / 4, static_cast<int>(std::ceil(4 / t.scale_x)));
        const int min_h = std::max(crop.height / 4, static_cast<int>(std::ceil(4 / t.scale_y)));
        ASSERT_LE(min_w, crop.width);
        ASSERT_LE(min_h, crop.height);
        Rect r;
        r.w = std::uniform_int_distribution<int>(min_w, std::max(min_w, crop.width * 2 / 3))(rng);
        r.h = std::uniform_int_distribution<int>(min_h, std::max(min_h, crop.height * 2 / 3))(rng);
        r.x = crop.x + std::uniform_int_distribution<int>(0, crop.width - r.w)(rng);
        r.y = crop.y + std::uniform_int_distribution<int>(0, crop.height - r.h)(rng);
        SCOPED_TRACE(::testing::Message()
                     << sw << "x" << sh << " -> " << nw << "x" << nh << " variant " << variant
                     << " rect " << r.x << "," << r.y << " " << r.w << "x" << r.h);
        const OwnedImage img = image_with_rect(sw, sh, r);
        Tensor out = allocate_output(p, 1);
        ASSERT_TRUE(encode_image(img.view, p, out, 0).is_ok());
        const auto found = find_bright_box(out, p);
        const auto mapped = t.map_box_to_source(found[0], found[1], found[2], found[3]);
        // Bilinear edges land within half a network pixel, nearest ones (which sample a pixel's
        // top-left, not its centre) within one; never tighter than one source pixel.
        const double k = variant < 4 ? 0.5 : 1.0;
        const double tol_x = std::max(1.0, k / t.scale_x) + 1e-9;
        const double tol_y = std::max(1.0, k / t.scale_y) + 1e-9;
        EXPECT_NEAR(mapped[0], r.x, tol_x);
        EXPECT_NEAR(mapped[1], r.y, tol_y);
        EXPECT_NEAR(mapped[2], r.x + r.w, tol_x);
        EXPECT_NEAR(mapped[3], r.y + r.h, tol_y);
        ++cases;
      }
    }
  }
  EXPECT_EQ(cases, 8 * 3 * 8);
}

}  // namespace
}  // namespace fovea::vision
