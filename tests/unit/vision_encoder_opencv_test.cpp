// The CPU image encoder against OpenCV, a reference we did not write: cv::cvtColor with the
// matching COLOR_* code, cv::resize (INTER_LINEAR / INTER_NEAREST), Ultralytics-style letterbox
// with cv::copyMakeBorder, then scale / mean / stddev, for every input encoding. And the
// letterbox mapping: synthetic images holding a known rectangle at many aspect ratios, the
// rectangle found by thresholding the encoded tensor maps back onto the original one.
//
// Tolerances (in 0..255 pixel levels, before normalization), and why:
//   rgb8/bgr8/rgba8/bgra8/mono8, bilinear: <= 1 level. OpenCV resizes 8-bit images in fixed point
//     (11-bit weights) and rounds the result to an integer; fovea blends in float and does not
//     round. Against OpenCV's float resize (cvtColor, convertTo CV_32F, resize) the difference
//     is float rounding only: <= 1e-3 level.
//   mono16: <= 1 level, as the RGB family: the reference reduces to 8 bits with convertTo
//     (x - 127.5) / 256, which rounds to exactly x >> 8 (fovea's rule).
//   yuyv/uyvy/nv12: <= 1.5 levels. OpenCV's YUV->RGB is fixed point (20-bit coefficients of the same
//     BT.601 video-range matrix) rounded to bytes (0.5 level), fovea's is float and unrounded;
//     plus the fixed-point resize. Chroma is replicated (nearest) in both. Luma covers the full
//     byte range: both clamp Y - 16 at 0 (see video_luma).
//   nearest: every pixel picks the same source pixel as OpenCV: equal for the RGB family and
//     mono, <= 0.5 level (OpenCV's rounding of the conversion) for YUV.
//   In every bilinear case the mean error must also stay under 0.35 level, so a systematic
//   half-pixel shift (mean error of several levels on these textured images) cannot hide in the
//   per-pixel tolerance.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "vision/image_encoder.h"
#include "vision_test_images.h"

namespace fovea::vision {
namespace {

using testing::OwnedImage;

struct Source {
  OwnedImage image;  // what the encoder reads
  cv::Mat rgb8;      // OpenCV's conversion of the same bytes to RGB
};

// Textured content (gradients + noise) so that any misplaced sample shows up.
uint8_t texture(int x, int y, int c, std::mt19937& rng) {
  const int v = (x * (3 + c) + y * (5 - c) + static_cast<int>(rng() % 40)) % 256;
  return static_cast<uint8_t>(v);
}

// Luma over the full byte range: below video black (16) OpenCV clamps Y - 16 at 0 before scaling
// (cvtColor's YUV422/NV12 code: max(0, Y - 16)) and so does fovea's yuv_to_rgb.
uint8_t video_luma(uint8_t v) { return v; }

Source make_source(PixelEncoding e, int w, int h, uint32_t seed) {
  std::mt19937 rng(seed);
  Source s;
  const int extra = 6;  // row padding the encoder must skip
  switch (e) {
    case PixelEncoding::kRgb8:
    case PixelEncoding::kBgr8:
    case PixelEncoding::kRgba8:
    case PixelEncoding::kBgra8: {
      std::vector<std::vector<testing::Rgb>> rgb(h, std::vector<testing::Rgb>(w));
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) rgb[y][x] = {texture(x, y, 0, rng), texture(x, y, 1, rng), texture(x, y, 2, rng)};
      s.image = testing::pack_rgb(rgb, e, extra);
      const int type = (e == PixelEncoding::kRgba8 || e == PixelEncoding::kBgra8) ? CV_8UC4 : CV_8UC3;
      const cv::Mat m(h, w, type, s.image.bytes.data(), s.image.view.step);
      const int code = e == PixelEncoding::kRgb8    ? -1
                       : e == PixelEncoding::kBgr8  ? cv::COLOR_BGR2RGB
                       : e == PixelEncoding::kRgba8 ? cv::COLOR_RGBA2RGB
                                                    : cv::COLOR_BGRA2RGB;
      if (code < 0) {
        s.rgb8 = m.clone();
      } else {
        cv::cvtColor(m, s.rgb8, code);
      }
      break;
    }
    case PixelEncoding::kMono8: {
      s.image = testing::make_image(e, w, h, w, h, extra);
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) s.image.bytes[y * s.image.view.step + x] = texture(x, y, 0, rng);
      cv::cvtColor(cv::Mat(h, w, CV_8UC1, s.image.bytes.data(), s.image.view.step), s.rgb8, cv::COLOR_GRAY2RGB);
      break;
    }
    case PixelEncoding::kMono16: {
      s.image = testing::make_image(e, w, h, static_cast<size_t>(w) * 2, h, extra * 2);
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
          const uint16_t v = static_cast<uint16_t>(texture(x, y, 0, rng) * 256 + rng() % 256);
          std::memcpy(s.image.bytes.data() + y * s.image.view.step + 2 * x, &v, 2);
        }
      cv::Mat grey;
      // x >> 8 with OpenCV's rounding convertTo: round((x - 127.5) / 256) == floor(x / 256).
      cv::Mat(h, w, CV_16UC1, s.image.bytes.data(), s.image.view.step).convertTo(grey, CV_8U, 1.0 / 256.0, -127.5 / 256.0);
      cv::cvtColor(grey, s.rgb8, cv::COLOR_GRAY2RGB);
      break;
    }
    case PixelEncoding::kYuyv:
    case PixelEncoding::kUyvy: {
      s.image = testing::make_image(e, w, h, static_cast<size_t>(w) * 2, h, extra * 2);
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w * 2; ++x) {
          // Luma bytes carry the texture, chroma varies slowly; the colours still clamp at 0 / 255.
          const bool luma = (e == PixelEncoding::kYuyv) == (x % 2 == 0);
          s.image.bytes[y * s.image.view.step + x] =
              luma ? video_luma(texture(x / 2, y, 0, rng)) : static_cast<uint8_t>(64 + (x * 3 + y * 2 + rng() % 16) % 128);
        }
      const cv::Mat m(h, w, CV_8UC2, s.image.bytes.data(), s.image.view.step);
      cv::cvtColor(m, s.rgb8, e == PixelEncoding::kYuyv ? cv::COLOR_YUV2RGB_YUYV : cv::COLOR_YUV2RGB_UYVY);
      break;
    }
    case PixelEncoding::kNv12: {
      s.image = testing::make_image(e, w, h, w, h + h / 2, extra);
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) s.image.bytes[y * s.image.view.step + x] = video_luma(texture(x, y, 0, rng));
      for (int y = 0; y < h / 2; ++y)
        for (int x = 0; x < w; ++x)
          s.image.bytes[(h + y) * s.image.view.step + x] = static_cast<uint8_t>(64 + (x * 3 + y * 4 + rng() % 16) % 128);
      const cv::Mat m(h + h / 2, w, CV_8UC1, s.image.bytes.data(), s.image.view.step);
      cv::cvtColor(m, s.rgb8, cv::COLOR_YUV2RGB_NV12);
      break;
    }
  }
  return s;
}

// The reference: Ultralytics' LetterBox (r = min(W/w, H/h), new size rounded, pad split with the
// smaller half on the top/left) or a plain stretch, on `rgb` (uint8 or float), then normalization.
// Returns an H x W CV_32FC3 image in RGB order.
cv::Mat reference_encode(const cv::Mat& rgb, const EncoderParams& p, int interpolation) {
  const int W = p.network_image_width, H = p.network_image_height;
  cv::Mat placed;
  if (p.enable_padding) {
    const double r = std::min(static_cast<double>(W) / rgb.cols, static_cast<double>(H) / rgb.rows);
    const int nw = static_cast<int>(std::lround(rgb.cols * r)), nh = static_cast<int>(std::lround(rgb.rows * r));
    cv::Mat resized;
    cv::resize(rgb, resized, cv::Size(nw, nh), 0, 0, interpolation);
    const int left = (W - nw) / 2, top = (H - nh) / 2;
    cv::copyMakeBorder(resized, placed, top, H - nh - top, left, W - nw - left, cv::BORDER_CONSTANT,
                       cv::Scalar::all(p.pad_value));
  } else {
    cv::resize(rgb, placed, cv::Size(W, H), 0, 0, interpolation);
  }
  cv::Mat f;
  placed.convertTo(f, CV_32FC3);
  return f;
}

// fovea's output slot as an H x W CV_32FC3 RGB image in pixel levels (normalization undone), so
// that tolerances read in levels whatever the mean/stddev, layout, dtype and channel order.
cv::Mat fovea_encode(const ImageView& image, const EncoderParams& p) {
  Tensor out = testing::allocate_output(p, 2);
  auto t = encode_image(image, p, out, 1);
  EXPECT_TRUE(t.is_ok()) << t.status().message();
  cv::Mat m(p.network_image_height, p.network_image_width, CV_32FC3);
  for (int y = 0; y < m.rows; ++y)
    for (int x = 0; x < m.cols; ++x)
      for (int c = 0; c < 3; ++c) {
        const int oc = p.output_channel_order == ChannelOrder::kBgr ? 2 - c : c;
        const float v = testing::output_at(out, p, 1, oc, x, y);
        m.at<cv::Vec3f>(y, x)[c] = (v * p.image_stddev[c] + p.image_mean[c]) / p.scale;
      }
  return m;
}

struct Diff {
  double max = 0, mean = 0, fraction_over = 0;
};
Diff compare(const cv::Mat& a, const cv::Mat& b, double tolerance) {
  Diff d;
  size_t over = 0, n = 0;
  for (int y = 0; y < a.rows; ++y)
    for (int x = 0; x < a.cols; ++x)
      for (int c = 0; c < 3; ++c) {
        const double e = std::abs(a.at<cv::Vec3f>(y, x)[c] - b.at<cv::Vec3f>(y, x)[c]);
        d.max = std::max(d.max, e);
        d.mean += e;
        over += e > tolerance;
        ++n;
      }
  d.mean /= static_cast<double>(n);
  d.fraction_over = static_cast<double>(over) / static_cast<double>(n);
  return d;
}

struct EncodingCase {
  PixelEncoding encoding;
  double tolerance;          // levels, bilinear against OpenCV's 8-bit path
  double nearest_tolerance;  // levels, nearest
};

const EncodingCase kCases[] = {
    {PixelEncoding::kRgb8, 1.0, 0.0},  {PixelEncoding::kBgr8, 1.0, 0.0},  {PixelEncoding::kRgba8, 1.0, 0.0},
    {PixelEncoding::kBgra8, 1.0, 0.0}, {PixelEncoding::kMono8, 1.0, 0.0}, {PixelEncoding::kMono16, 1.0, 0.0},
    {PixelEncoding::kYuyv, 1.5, 0.5},  {PixelEncoding::kUyvy, 1.5, 0.5},  {PixelEncoding::kNv12, 1.5, 0.5},
};

class EncoderVsOpenCv : public ::testing::TestWithParam<EncodingCase> {};

// Network shapes covering down- and up-scaling, letterbox in x and in y, and a stretch.
struct Geometry {
  int src_w, src_h, net_w, net_h;
  bool padding;
};
const Geometry kGeometries[] = {
    {98, 62, 64, 64, true},    // downscale, bars top and bottom
    {40, 30, 96, 80, true},    // upscale 2.4x, bars top and bottom
    {36, 90, 64, 48, true},    // portrait, bars left and right
    {130, 50, 64, 40, false},  // stretch, different factors per axis
};

TEST_P(EncoderVsOpenCv, BilinearLetterboxAndStretch) {
  const EncodingCase& ec = GetParam();
  for (const Geometry& g : kGeometries) {
    SCOPED_TRACE(::testing::Message() << encoding_name(ec.encoding) << " " << g.src_w << "x" << g.src_h << " -> "
                                      << g.net_w << "x" << g.net_h << (g.padding ? " letterbox" : " stretch"));
    Source s = make_source(ec.encoding, g.src_w, g.src_h, 7u + g.src_w);
    EncoderParams p;
    p.network_image_width = g.net_w;
    p.network_image_height = g.net_h;
    p.enable_padding = g.padding;
    const Diff d = compare(fovea_encode(s.image.view, p), reference_encode(s.rgb8, p, cv::INTER_LINEAR), ec.tolerance);
    EXPECT_LE(d.max, ec.tolerance);
    EXPECT_LT(d.mean, 0.35);
  }
}

TEST_P(EncoderVsOpenCv, Nearest) {
  const EncodingCase& ec = GetParam();
  for (const Geometry& g : kGeometries) {
    SCOPED_TRACE(::testing::Message() << encoding_name(ec.encoding) << " " << g.src_w << "x" << g.src_h << " -> "
                                      << g.net_w << "x" << g.net_h);
    Source s = make_source(ec.encoding, g.src_w, g.src_h, 11u + g.src_h);
    EncoderParams p;
    p.network_image_width = g.net_w;
    p.network_image_height = g.net_h;
    p.enable_padding = g.padding;
    p.interpolation = Interpolation::kNearest;
    const Diff d =
        compare(fovea_encode(s.image.view, p), reference_encode(s.rgb8, p, cv::INTER_NEAREST), ec.nearest_tolerance + 1e-4);
    EXPECT_EQ(d.fraction_over, 0.0) << "max " << d.max;
  }
}

TEST_P(EncoderVsOpenCv, NormalizationLayoutAndPrecision) {
  // ImageNet mean/std, BGR channel order, NHWC, FP16, a crop, pad value 0: each changes only how
  // the same pixels are written.
  const EncodingCase& ec = GetParam();
  Source s = make_source(ec.encoding, 84, 60, 3u);
  EncoderParams p;
  p.network_image_width = 48;
  p.network_image_height = 48;
  p.image_mean = {0.485f, 0.456f, 0.406f};
  p.image_stddev = {0.229f, 0.224f, 0.225f};
  p.output_channel_order = ChannelOrder::kBgr;
  p.output_layout = OutputLayout::kNhwc;
  p.pad_value = 0;
  p.crop = CropRoi{10, 6, 62, 40};
  const cv::Mat roi = s.rgb8(cv::Rect(10, 6, 62, 40));
  const cv::Mat ref = reference_encode(roi, p, cv::INTER_LINEAR);
  Diff d = compare(fovea_encode(s.image.view, p), ref, ec.tolerance);
  EXPECT_LE(d.max, ec.tolerance);
  EXPECT_LT(d.mean, 0.35);
  // FP16 holds values near 2.5 (normalized) to 2^-9 relative: about 0.3 level after un-normalizing.
  p.output_dtype = DType::kFloat16;
  d = compare(fovea_encode(s.image.view, p), ref, ec.tolerance + 0.35);
  EXPECT_LE(d.max, ec.tolerance + 0.35);
}

INSTANTIATE_TEST_SUITE_P(AllEncodings, EncoderVsOpenCv, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<EncodingCase>& info) {
                           return std::string(encoding_name(info.param.encoding)) == "yuv422"
                                      ? std::string("uyvy")
                                      : std::string(encoding_name(info.param.encoding));
                         });

TEST(EncoderVsOpenCvFloat, BilinearMatchesOpenCvFloatResize) {
  // OpenCV's float resize has no fixed point: the difference is float rounding only.
  for (PixelEncoding e : {PixelEncoding::kRgb8, PixelEncoding::kBgra8, PixelEncoding::kMono8}) {
    for (const Geometry& g : kGeometries) {
      SCOPED_TRACE(::testing::Message() << encoding_name(e) << " " << g.src_w << "x" << g.src_h);
      Source s = make_source(e, g.src_w, g.src_h, 5u);
      cv::Mat rgb_f;
      s.rgb8.convertTo(rgb_f, CV_32FC3);
      EncoderParams p;
      p.network_image_width = g.net_w;
      p.network_image_height = g.net_h;
      p.enable_padding = g.padding;
      const Diff d = compare(fovea_encode(s.image.view, p), reference_encode(rgb_f, p, cv::INTER_LINEAR), 1e-3);
      EXPECT_LE(d.max, 1e-3);
    }
  }
}

// --- letterbox mapping: a known rectangle comes back where it was ---

struct RectCase {
  int w, h;            // source image
  cv::Rect rect;       // white rectangle on black
  int net_w, net_h;
  bool centered;
};

TEST(EncoderLetterboxMapping, ThresholdedRectangleMapsBackToTheOriginal) {
  const RectCase cases[] = {
      {640, 480, {100, 50, 200, 120}, 640, 640, true},   {1920, 1080, {600, 300, 500, 400}, 640, 640, true},
      {1080, 1920, {100, 900, 700, 300}, 640, 640, true}, {300, 1000, {20, 700, 250, 200}, 640, 384, true},
      {1000, 37, {400, 5, 300, 25}, 640, 640, true},     {37, 1000, {5, 100, 25, 600}, 320, 320, false},
      {333, 333, {1, 1, 330, 100}, 640, 640, true},      {96, 54, {10, 10, 40, 30}, 640, 640, true},
      {2000, 500, {1000, 100, 900, 350}, 416, 416, false}, {50, 80, {0, 0, 50, 40}, 256, 192, true},
  };
  for (const RectCase& rc : cases) {
    SCOPED_TRACE(::testing::Message() << rc.w << "x" << rc.h << " rect " << rc.rect << " -> " << rc.net_w << "x"
                                      << rc.net_h);
    std::vector<uint8_t> px(static_cast<size_t>(rc.w) * rc.h * 3, 0);
    for (int y = rc.rect.y; y < rc.rect.y + rc.rect.height; ++y)
      for (int x = rc.rect.x; x < rc.rect.x + rc.rect.width; ++x)
        for (int c = 0; c < 3; ++c) px[(static_cast<size_t>(y) * rc.w + x) * 3 + c] = 255;
    const ImageView view{px.data(), px.size(), rc.w, rc.h, static_cast<size_t>(rc.w) * 3, PixelEncoding::kRgb8};
    EncoderParams p;
    p.network_image_width = rc.net_w;
    p.network_image_height = rc.net_h;
    p.pad_value = 0;
    p.letterbox_centered = rc.centered;
    Tensor out = testing::allocate_output(p, 1);
    auto t = encode_image(view, p, out, 0);
    ASSERT_TRUE(t.is_ok()) << t.status().message();
    // Sub-pixel edges: per row/column profile through the rectangle, the 0.5 crossing
    // interpolated between neighbouring network pixels.
    auto value = [&](int x, int y) { return testing::output_at(out, p, 0, 0, x, y); };
    const auto mid = t->map_to_network(rc.rect.x + rc.rect.width / 2.0, rc.rect.y + rc.rect.height / 2.0);
    const int my = static_cast<int>(mid[1]), mx = static_cast<int>(mid[0]);
    auto crossing = [](auto&& at, int from, int to) {  // first i in [from, to) stepping where value passes 0.5
      const int step = to > from ? 1 : -1;
      for (int i = from; i != to; i += step) {
        const float a = at(i), b = at(i + step);
        if ((a < 0.5f) != (b < 0.5f)) {
          const double f = (0.5 - a) / (b - a);
          return i + step * f + 0.5;  // continuous coordinate of the edge (pixel centres at i + 0.5)
        }
      }
      return std::nan("");
    };
    const double nx1 = crossing([&](int x) { return x < 0 ? 0.0f : value(x, my); }, -1, rc.net_w - 1);
    const double nx2 = crossing([&](int x) { return x >= rc.net_w ? 0.0f : value(x, my); }, rc.net_w, 0);
    const double ny1 = crossing([&](int y) { return y < 0 ? 0.0f : value(mx, y); }, -1, rc.net_h - 1);
    const double ny2 = crossing([&](int y) { return y >= rc.net_h ? 0.0f : value(mx, y); }, rc.net_h, 0);
    ASSERT_FALSE(std::isnan(nx1) || std::isnan(nx2) || std::isnan(ny1) || std::isnan(ny2));
    const auto box = t->map_box_to_source(nx1, ny1, nx2, ny2);
    // Within 1 source pixel, or one network pixel's worth of source pixels when downscaling (the
    // network cannot place an edge finer than its own pixels): max(1, 1 / scale).
    const double tol_x = std::max(1.0, 1.0 / t->scale_x), tol_y = std::max(1.0, 1.0 / t->scale_y);
    EXPECT_NEAR(box[0], rc.rect.x, tol_x);
    EXPECT_NEAR(box[2], rc.rect.x + rc.rect.width, tol_x);
    EXPECT_NEAR(box[1], rc.rect.y, tol_y);
    EXPECT_NEAR(box[3], rc.rect.y + rc.rect.height, tol_y);
  }
}

}  // namespace
}  // namespace fovea::vision
