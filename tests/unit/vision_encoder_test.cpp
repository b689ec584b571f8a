// The CPU reference image encoder: every input encoding, resize semantics (identity, bilinear and
// nearest against hand-computed values), normalization, output layouts and dtypes, and the error
// returned for each kind of bad input.
#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "vision/image_encoder.h"
#include "vision/image_format.h"
#include "vision_test_images.h"

namespace fovea::vision {
namespace {

using testing::allocate_output;
using testing::identity_params;
using testing::output_at;
using testing::OwnedImage;
using testing::Rgb;

// 4x2, each colour repeated over a horizontal pixel pair so 4:2:2 chroma loses nothing.
const std::vector<std::vector<Rgb>> kPairImage = {
    {Rgb{200, 40, 60}, Rgb{200, 40, 60}, Rgb{30, 180, 90}, Rgb{30, 180, 90}},
    {Rgb{60, 70, 220}, Rgb{60, 70, 220}, Rgb{128, 128, 128}, Rgb{128, 128, 128}},
};

Tensor encode_ok(const ImageView& view, const EncoderParams& p) {
  Tensor out = allocate_output(p, 1);
  auto r = encode_image(view, p, out, 0);
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return out;
}

void expect_output_rgb(const Tensor& out, const EncoderParams& p, int x, int y,
                       std::array<float, 3> rgb, float tol) {
  for (int c = 0; c < 3; ++c) {
    EXPECT_NEAR(output_at(out, p, 0, c, x, y), rgb[c], tol)
        << "pixel (" << x << "," << y << ") channel " << c;
  }
}

TEST(VisionEncodingTest, ParsesRosNames) {
  EXPECT_EQ(parse_encoding("rgb8").value(), PixelEncoding::kRgb8);
  EXPECT_EQ(parse_encoding("bgr8").value(), PixelEncoding::kBgr8);
  EXPECT_EQ(parse_encoding("rgba8").value(), PixelEncoding::kRgba8);
  EXPECT_EQ(parse_encoding("bgra8").value(), PixelEncoding::kBgra8);
  EXPECT_EQ(parse_encoding("mono8").value(), PixelEncoding::kMono8);
  EXPECT_EQ(parse_encoding("mono16").value(), PixelEncoding::kMono16);
  EXPECT_EQ(parse_encoding("yuv422").value(), PixelEncoding::kUyvy);  // ROS's yuv422 is UYVY
  EXPECT_EQ(parse_encoding("uyvy").value(), PixelEncoding::kUyvy);
  EXPECT_EQ(parse_encoding("yuv422_yuy2").value(), PixelEncoding::kYuyv);
  EXPECT_EQ(parse_encoding("nv12").value(), PixelEncoding::kNv12);
  EXPECT_EQ(encoding_name(PixelEncoding::kUyvy), "yuv422");
  EXPECT_EQ(encoding_name(PixelEncoding::kYuyv), "yuv422_yuy2");
  auto bad = parse_encoding("bayer_rggb8");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kUnsupported);
  EXPECT_NE(bad.status().message().find("bayer_rggb8"), std::string::npos);
}

TEST(VisionEncodingTest, Bt601LimitedRangeFormula) {
  const auto black = yuv_to_rgb(16, 128, 128);
  for (float v : black) EXPECT_FLOAT_EQ(v, 0.0f);
  const auto grey = yuv_to_rgb(100, 128, 128);
  for (float v : grey) EXPECT_NEAR(v, 97.776f, 1e-4);  // 1.164 * 84
  const auto c = yuv_to_rgb(128, 100, 150);            // luma 1.164 * 112 = 130.368
  EXPECT_NEAR(c[0], 130.368f + 1.596f * 22, 1e-3);
  EXPECT_NEAR(c[1], 130.368f - 0.813f * 22 + 0.391f * 28, 1e-3);
  EXPECT_NEAR(c[2], 130.368f - 2.018f * 28, 1e-3);
  EXPECT_FLOAT_EQ(yuv_to_rgb(16, 16, 240)[2], 0.0f);      // B = 2.018 * -112 clamps to 0
  EXPECT_FLOAT_EQ(yuv_to_rgb(235, 240, 128)[2], 255.0f);  // B = 254.9 + 226 clamps to 255
}

TEST(VisionEncoderTest, PackedRgbEncodingsGiveTheSameRgb) {
  const EncoderParams p = identity_params(4, 2);
  for (PixelEncoding e :
       {PixelEncoding::kRgb8, PixelEncoding::kBgr8, PixelEncoding::kRgba8, PixelEncoding::kBgra8}) {
    SCOPED_TRACE(std::string(encoding_name(e)));
    const OwnedImage img = testing::pack_rgb(kPairImage, e);
    const Tensor out = encode_ok(img.view, p);
    for (int y = 0; y < 2; ++y) {
      for (int x = 0; x < 4; ++x) {
        const Rgb& c = kPairImage[y][x];
        expect_output_rgb(out, p, x, y, {float(c[0]), float(c[1]), float(c[2])}, 0.0f);
      }
    }
  }
}

TEST(VisionEncoderTest, Yuv422EncodingsMatchRgbWithinRounding) {
  const EncoderParams p = identity_params(4, 2);
  for (PixelEncoding e : {PixelEncoding::kYuyv, PixelEncoding::kUyvy}) {
    SCOPED_TRACE(std::string(encoding_name(e)));
    OwnedImage img = testing::make_image(e, 4, 2, 8, 2, 3);
    for (int y = 0; y < 2; ++y) {
      for (int pair = 0; pair < 2; ++pair) {
        const auto yuv = testing::rgb_to_yuv(kPairImage[y][2 * pair]);
        uint8_t* q = img.bytes.data() + y * img.view.step + 4 * pair;
        if (e == PixelEncoding::kYuyv) {
          q[0] = yuv[0], q[1] = yuv[1], q[2] = yuv[0], q[3] = yuv[2];
        } else {
          q[0] = yuv[1], q[1] = yuv[0], q[2] = yuv[2], q[3] = yuv[0];
        }
      }
    }
    const Tensor out = encode_ok(img.view, p);
    for (int y = 0; y < 2; ++y) {
      for (int x = 0; x < 4; ++x) {
        const Rgb& c = kPairImage[y][x];
        expect_output_rgb(out, p, x, y, {float(c[0]), float(c[1]), float(c[2])}, 3.0f);
      }
    }
  }
}

TEST(VisionEncoderTest, Yuv422ByteOrderAndChromaSharing) {
  // Distinct luma per pixel, one U,V per pair: checks exactly which byte is which.
  const EncoderParams p = identity_params(4, 1);
  const uint8_t ys[4] = {50, 90, 140, 200};
  const uint8_t us[2] = {100, 160};
  const uint8_t vs[2] = {170, 110};
  for (PixelEncoding e : {PixelEncoding::kYuyv, PixelEncoding::kUyvy}) {
    SCOPED_TRACE(std::string(encoding_name(e)));
    OwnedImage img = testing::make_image(e, 4, 1, 8, 1, 0);
    for (int pair = 0; pair < 2; ++pair) {
      uint8_t* q = img.bytes.data() + 4 * pair;
      if (e == PixelEncoding::kYuyv) {
        q[0] = ys[2 * pair], q[1] = us[pair], q[2] = ys[2 * pair + 1], q[3] = vs[pair];
      } else {
        q[0] = us[pair], q[1] = ys[2 * pair], q[2] = vs[pair], q[3] = ys[2 * pair + 1];
      }
    }
    const Tensor out = encode_ok(img.view, p);
    for (int x = 0; x < 4; ++x)
      expect_output_rgb(out, p, x, 0, yuv_to_rgb(ys[x], us[x / 2], vs[x / 2]), 0.0f);
  }
}

TEST(VisionEncoderTest, Nv12PlanesAndChromaSharing) {
  const int w = 4, h = 4, extra = 6;
  OwnedImage img = testing::make_image(PixelEncoding::kNv12, w, h, w, h + h / 2, extra);
  const size_t step = img.view.step;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      img.bytes[y * step + x] = static_cast<uint8_t>(30 + 12 * x + 40 * y);
  for (int by = 0; by < h / 2; ++by) {
    for (int bx = 0; bx < w / 2; ++bx) {
      img.bytes[(h + by) * step + 2 * bx] = static_cast<uint8_t>(90 + 30 * bx + 20 * by);       // U
      img.bytes[(h + by) * step + 2 * bx + 1] = static_cast<uint8_t>(170 - 25 * bx - 35 * by);  // V
    }
  }
  const EncoderParams p = identity_params(w, h);
  const Tensor out = encode_ok(img.view, p);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const float u = img.bytes[(h + y / 2) * step + 2 * (x / 2)];
      const float v = img.bytes[(h + y / 2) * step + 2 * (x / 2) + 1];
      expect_output_rgb(out, p, x, y, yuv_to_rgb(img.bytes[y * step + x], u, v), 0.0f);
    }
  }
}

TEST(VisionEncoderTest, Nv12MatchesRgbWithinRounding) {
  // Each 2x2 block one colour, so 4:2:0 chroma loses nothing.
  const Rgb a{200, 40, 60}, b{30, 180, 90};
  const int w = 4, h = 2;
  OwnedImage img = testing::make_image(PixelEncoding::kNv12, w, h, w, h + 1, 2);
  const size_t step = img.view.step;
  for (int x = 0; x < w; ++x) {
    const auto yuv = testing::rgb_to_yuv(x < 2 ? a : b);
    img.bytes[x] = img.bytes[step + x] = yuv[0];
    img.bytes[2 * step + 2 * (x / 2)] = yuv[1];
    img.bytes[2 * step + 2 * (x / 2) + 1] = yuv[2];
  }
  const EncoderParams p = identity_params(w, h);
  const Tensor out = encode_ok(img.view, p);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const Rgb& c = x < 2 ? a : b;
      expect_output_rgb(out, p, x, y, {float(c[0]), float(c[1]), float(c[2])}, 3.0f);
    }
  }
}

TEST(VisionEncoderTest, MonoIsReplicatedAndMono16Shifted) {
  const EncoderParams p = identity_params(3, 2);
  OwnedImage mono8 = testing::make_image(PixelEncoding::kMono8, 3, 2, 3, 2, 1);
  OwnedImage mono16 =
      testing::make_image(PixelEncoding::kMono16, 3, 2, 6, 2, 1);  // odd step: unaligned rows
  for (int y = 0; y < 2; ++y) {
    for (int x = 0; x < 3; ++x) {
      const uint8_t grey = static_cast<uint8_t>(10 + 70 * x + 30 * y);
      mono8.bytes[y * mono8.view.step + x] = grey;
      const uint16_t wide = static_cast<uint16_t>(grey << 8 | (0xFF - grey));  // low byte dropped
      std::memcpy(mono16.bytes.data() + y * mono16.view.step + 2 * x, &wide, 2);
    }
  }
  const Tensor out8 = encode_ok(mono8.view, p);
  const Tensor out16 = encode_ok(mono16.view, p);
  for (int y = 0; y < 2; ++y) {
    for (int x = 0; x < 3; ++x) {
      const float grey = 10 + 70 * x + 30 * y;
      expect_output_rgb(out8, p, x, y, {grey, grey, grey}, 0.0f);
      expect_output_rgb(out16, p, x, y, {grey, grey, grey}, 0.0f);
    }
  }
}

std::vector<std::vector<Rgb>> random_rgb(int w, int h, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> byte(0, 255);
  std::vector<std::vector<Rgb>> img(h, std::vector<Rgb>(w));
  for (auto& row : img)
    for (auto& px : row) px = Rgb{uint8_t(byte(rng)), uint8_t(byte(rng)), uint8_t(byte(rng))};
  return img;
}

TEST(VisionEncoderTest, SameSizeResizeIsExactForBothInterpolations) {
  const auto rgb = random_rgb(7, 5, 1);
  const OwnedImage img = testing::pack_rgb(rgb, PixelEncoding::kRgb8);
  for (Interpolation interp : {Interpolation::kBilinear, Interpolation::kNearest}) {
    for (bool padding : {false, true}) {  // same aspect ratio: the letterbox adds no padding
      EncoderParams p = identity_params(7, 5);
      p.interpolation = interp;
      p.enable_padding = padding;
      p.scale = 1.0f / 255.0f;
      const Tensor out = encode_ok(img.view, p);
      for (int y = 0; y < 5; ++y)
        for (int x = 0; x < 7; ++x)
          for (int c = 0; c < 3; ++c)
            EXPECT_EQ(output_at(out, p, 0, c, x, y), rgb[y][x][c] * p.scale);
    }
  }
}

// An 8x8 grey image whose value is f(x, y); `scale` 1 so outputs are pixel values.
OwnedImage grey_image(int w, int h, int (*f)(int, int)) {
  OwnedImage img = testing::make_image(PixelEncoding::kMono8, w, h, w, h, 0);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) img.bytes[y * w + x] = static_cast<uint8_t>(f(x, y));
  return img;
}

TEST(VisionEncoderTest, BilinearHalfPixelCentersOnGradients) {
  // Downscale 8 -> 4: source coordinate 2d + 0.5, so a 10x gradient gives 20d + 5.
  const OwnedImage horizontal = grey_image(8, 8, [](int x, int) { return 10 * x; });
  EncoderParams p = identity_params(4, 4);
  Tensor out = encode_ok(horizontal.view, p);
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x) EXPECT_FLOAT_EQ(output_at(out, p, 0, 0, x, y), 20.0f * x + 5.0f);
  const OwnedImage vertical = grey_image(8, 8, [](int, int y) { return 7 * y; });
  out = encode_ok(vertical.view, p);
  for (int y = 0; y < 4; ++y) EXPECT_FLOAT_EQ(output_at(out, p, 0, 2, 3, y), 7.0f * (2 * y + 0.5f));
  const OwnedImage constant = grey_image(8, 8, [](int, int) { return 93; });
  out = encode_ok(constant.view, p);
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 4; ++x) EXPECT_FLOAT_EQ(output_at(out, p, 0, 1, x, y), 93.0f);

  // Upscale 4 -> 8 clamps at the borders: coordinate 0.5d - 0.25 clamped to [0, 3].
  const OwnedImage small = grey_image(4, 1, [](int x, int) { return 10 * x; });
  p = identity_params(8, 1);
  out = encode_ok(small.view, p);
  const float expected[8] = {0, 2.5f, 7.5f, 12.5f, 17.5f, 22.5f, 27.5f, 30};
  for (int x = 0; x < 8; ++x) EXPECT_FLOAT_EQ(output_at(out, p, 0, 0, x, 0), expected[x]) << x;
}

TEST(VisionEncoderTest, NearestTakesFloorOfScaledIndex) {
  const OwnedImage img = grey_image(8, 6, [](int x, int y) { return 10 * x + y; });
  EncoderParams p = identity_params(3, 4);  // x: 8/3 -> floor(2.667 d); y: 6/4 -> floor(1.5 d)
  p.interpolation = Interpolation::kNearest;
  const Tensor out = encode_ok(img.view, p);
  const int sx[3] = {0, 2, 5};
  const int sy[4] = {0, 1, 3, 4};
  for (int y = 0; y < 4; ++y)
    for (int x = 0; x < 3; ++x) EXPECT_EQ(output_at(out, p, 0, 0, x, y), 10.0f * sx[x] + sy[y]);
}

TEST(VisionEncoderTest, NormalizationChannelOrderLayoutsAndDtypes) {
  const auto rgb = random_rgb(9, 6, 2);
  const OwnedImage img = testing::pack_rgb(rgb, PixelEncoding::kBgr8);
  EncoderParams base;
  base.network_image_width = 8;
  base.network_image_height = 8;
  base.image_mean = {0.485f, 0.456f, 0.406f};
  base.image_stddev = {0.229f, 0.224f, 0.225f};
  base.pad_value = 114.0f;
  const Tensor nchw = encode_ok(img.view, base);

  // Pad rows (9x6 into 8x8: resized 8x5, pad_y 1) hold the normalized pad value.
  for (int c = 0; c < 3; ++c) {
    const float pad = (114.0f / 255.0f - base.image_mean[c]) / base.image_stddev[c];
    EXPECT_NEAR(output_at(nchw, base, 0, c, 3, 0), pad, 1e-6f);
    EXPECT_NEAR(output_at(nchw, base, 0, c, 5, 7), pad, 1e-6f);
  }
  // Top-left letterbox puts all padding at the bottom.
  EncoderParams top_left = base;
  top_left.letterbox_centered = false;
  const Tensor tl = encode_ok(img.view, top_left);
  for (int x = 0; x < 8; ++x) {
    EXPECT_FLOAT_EQ(output_at(tl, base, 0, 0, x, 1), output_at(nchw, base, 0, 0, x, 2));
    EXPECT_FLOAT_EQ(output_at(tl, base, 0, 0, x, 5), output_at(nchw, base, 0, 0, 0, 0));
  }

  EncoderParams nhwc_p = base;
  nhwc_p.output_layout = OutputLayout::kNhwc;
  EncoderParams bgr_p = base;
  bgr_p.output_channel_order = ChannelOrder::kBgr;
  EncoderParams half_p = base;
  half_p.output_dtype = DType::kFloat16;
  const Tensor nhwc = encode_ok(img.view, nhwc_p);
  const Tensor bgr = encode_ok(img.view, bgr_p);
  const Tensor half = encode_ok(img.view, half_p);
  ASSERT_EQ(nhwc.dims(), (Dims{1, 8, 8, 3}));
  for (int y = 0; y < 8; ++y) {
    for (int x = 0; x < 8; ++x) {
      for (int c = 0; c < 3; ++c) {
        const float v = output_at(nchw, base, 0, c, x, y);
        EXPECT_EQ(output_at(nhwc, nhwc_p, 0, c, x, y), v);
        EXPECT_EQ(output_at(bgr, bgr_p, 0, 2 - c, x, y), v);
        EXPECT_NEAR(output_at(half, half_p, 0, c, x, y), v, 2e-3f * std::max(1.0f, std::fabs(v)));
      }
    }
  }
}

TEST(VisionEncoderTest, WritesOnlyItsSlot) {
  const OwnedImage img = testing::pack_rgb(random_rgb(5, 5, 3), PixelEncoding::kRgb8);
  EncoderParams p = identity_params(5, 5);
  p.image_mean = {-1.0f, -1.0f, -1.0f};  // every written value >= 1
  Tensor batch = allocate_output(p, 3);
  ASSERT_TRUE(encode_image(img.view, p, batch, 1).is_ok());
  const auto v = batch.values<float>();
  const size_t per_slot = 3 * 5 * 5;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i / per_slot == 1)
      EXPECT_GE(v[i], 1.0f) << i;
    else
      EXPECT_EQ(v[i], 0.0f) << i;
  }
}

// Runs encode_image and expects an error of `code` whose message names `field`.
void expect_error(const ImageView& view, const EncoderParams& p, Tensor& t, int64_t slot,
                  StatusCode code, const std::string& field) {
  auto r = encode_image(view, p, t, slot);
  ASSERT_FALSE(r.is_ok()) << "expected an error naming " << field;
  EXPECT_EQ(r.status().code(), code) << r.status().to_string();
  EXPECT_NE(r.status().message().find(field), std::string::npos) << r.status().to_string();
}

TEST(VisionEncoderTest, BadImagesAreRejectedNamingTheField) {
  const EncoderParams p = identity_params(4, 2);
  Tensor out = allocate_output(p, 1);
  const OwnedImage good = testing::pack_rgb(kPairImage, PixelEncoding::kRgb8);
  auto with = [&](auto change) {
    ImageView v = good.view;
    change(v);
    return v;
  };
  const auto ia = StatusCode::kInvalidArgument;
  expect_error(with([](ImageView& v) { v.data = nullptr; }), p, out, 0, ia, "image.data");
  expect_error(with([](ImageView& v) { v.width = 0; }), p, out, 0, ia, "image.width");
  expect_error(with([](ImageView& v) { v.height = -3; }), p, out, 0, ia, "image.height");
  expect_error(with([](ImageView& v) { v.width = kMaxImageSide + 1; }), p, out, 0, ia,
               "image.width");
  expect_error(with([](ImageView& v) { v.step = 11; }), p, out, 0, ia, "image.step");
  expect_error(with([](ImageView& v) { v.size_bytes = required_bytes(v) - 1; }), p, out, 0, ia,
               "image.size_bytes");
  expect_error(with([](ImageView& v) { v.encoding = static_cast<PixelEncoding>(99); }), p, out, 0,
               ia, "image.encoding");
  for (PixelEncoding e : {PixelEncoding::kYuyv, PixelEncoding::kUyvy, PixelEncoding::kNv12}) {
    OwnedImage odd = testing::make_image(e, 3, 2, 6, 3, 0);
    expect_error(odd.view, p, out, 0, ia, "image.width");
  }
  OwnedImage odd_rows = testing::make_image(PixelEncoding::kNv12, 4, 3, 4, 5, 0);
  expect_error(odd_rows.view, p, out, 0, ia, "image.height");
  // nv12 needs its UV plane too: a buffer holding only the Y plane is too small.
  OwnedImage y_only = testing::make_image(PixelEncoding::kNv12, 4, 2, 4, 2, 0);
  expect_error(y_only.view, p, out, 0, ia, "image.size_bytes");
}

TEST(VisionEncoderTest, BadParamsTensorsAndSlotsAreRejected) {
  const OwnedImage img = testing::pack_rgb(kPairImage, PixelEncoding::kRgb8);
  const EncoderParams good = identity_params(4, 2);
  Tensor out = allocate_output(good, 2);
  auto with = [&](auto change) {
    EncoderParams p = good;
    change(p);
    return p;
  };
  const auto ia = StatusCode::kInvalidArgument;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  expect_error(img.view, with([](EncoderParams& p) { p.network_image_width = 0; }), out, 0, ia,
               "params.network_image_width");
  expect_error(img.view, with([](EncoderParams& p) { p.network_image_height = -1; }), out, 0, ia,
               "params.network_image_height");
  expect_error(img.view, with([](EncoderParams& p) { p.image_stddev[1] = 0; }), out, 0, ia,
               "params.image_stddev[1]");
  expect_error(img.view, with([=](EncoderParams& p) { p.image_mean[2] = nan; }), out, 0, ia,
               "params.image_mean[2]");
  expect_error(img.view, with([](EncoderParams& p) { p.scale = 0; }), out, 0, ia, "params.scale");
  expect_error(img.view, with([=](EncoderParams& p) { p.pad_value = nan; }), out, 0, ia,
               "params.pad_value");
  expect_error(img.view, with([](EncoderParams& p) { p.output_dtype = DType::kInt8; }), out, 0,
               StatusCode::kUnsupported, "params.output_dtype");
  expect_error(img.view, with([](EncoderParams& p) {
                 p.crop = CropRoi{0, 0, 0, 2};
               }),
               out, 0, ia, "params.crop");
  expect_error(img.view, with([](EncoderParams& p) {
                 p.crop = CropRoi{1, 0, 4, 2};
               }),
               out, 0, StatusCode::kOutOfRange, "params.crop");
  expect_error(img.view, with([](EncoderParams& p) {
                 p.crop = CropRoi{-1, 0, 2, 2};
               }),
               out, 0, StatusCode::kOutOfRange, "params.crop");

  expect_error(img.view, good, out, -1, StatusCode::kOutOfRange, "slot");
  expect_error(img.view, good, out, 2, StatusCode::kOutOfRange, "slot");
  Tensor undefined;
  expect_error(img.view, good, undefined, 0, ia, "batch_tensor");
  Tensor half = Tensor::allocate(DType::kFloat16, {2, 3, 2, 4}).value();
  expect_error(img.view, good, half, 0, ia, "batch_tensor");
  Tensor rank3 = Tensor::allocate(DType::kFloat32, {3, 2, 4}).value();
  expect_error(img.view, good, rank3, 0, ia, "batch_tensor");
  Tensor swapped = Tensor::allocate(DType::kFloat32, {1, 3, 4, 2}).value();
  expect_error(img.view, good, swapped, 0, ia, "batch_tensor");
  Tensor nhwc = Tensor::allocate(DType::kFloat32, {1, 2, 4, 3}).value();
  expect_error(img.view, good, nhwc, 0, ia, "batch_tensor");  // NCHW params, NHWC tensor
  auto ok = encode_image(
      img.view, with([](EncoderParams& p) { p.output_layout = OutputLayout::kNhwc; }), nhwc, 0);
  EXPECT_TRUE(ok.is_ok()) << ok.status().to_string();
}

}  // namespace
}  // namespace fovea::vision
