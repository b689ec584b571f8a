// Image files: stb decode/encode round trips, channel order, grey images, and every way a bad
// file fails (missing, empty, truncated, not an image, absurd declared size), always naming it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "io/image_file.h"

namespace fovea::io {
namespace {

namespace fs = std::filesystem;

class ImageFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("fovea_image_file_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  void write_bytes(const std::string& p, const std::vector<uint8_t>& bytes) {
    std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
  std::vector<uint8_t> read_bytes(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
  }
  fs::path dir_;
};

// A w x h RGB gradient with a row step padded by 7 bytes.
std::vector<uint8_t> gradient(int w, int h, size_t step) {
  std::vector<uint8_t> px(step * h, 0xEE);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint8_t* p = px.data() + y * step + 3 * x;
      p[0] = static_cast<uint8_t>(x * 255 / std::max(1, w - 1));
      p[1] = static_cast<uint8_t>(y * 255 / std::max(1, h - 1));
      p[2] = static_cast<uint8_t>((x * 7 + y * 13) & 0xFF);
    }
  return px;
}

TEST_F(ImageFileTest, PngRoundTripIsExactAndKeepsChannelOrder) {
  const int w = 37, h = 23;
  const size_t step = w * 3 + 7;
  const auto px = gradient(w, h, step);
  vision::ImageView v{px.data(), px.size(), w, h, step, vision::PixelEncoding::kRgb8};
  ASSERT_TRUE(write_image_file(path("a.png"), v).is_ok());
  auto rgb = read_image_file(path("a.png"));
  ASSERT_TRUE(rgb.is_ok()) << rgb.status().message();
  EXPECT_EQ(rgb->width, w);
  EXPECT_EQ(rgb->height, h);
  EXPECT_EQ(rgb->view().step, static_cast<size_t>(w) * 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c) ASSERT_EQ(rgb->pixels[(y * w + x) * 3 + c], px[y * step + x * 3 + c]);
  // BGR: same pixels, channels reversed.
  auto bgr = read_image_file(path("a.png"), vision::PixelEncoding::kBgr8);
  ASSERT_TRUE(bgr.is_ok());
  EXPECT_EQ(bgr->encoding, vision::PixelEncoding::kBgr8);
  for (size_t i = 0; i < rgb->pixels.size(); i += 3) {
    ASSERT_EQ(bgr->pixels[i], rgb->pixels[i + 2]);
    ASSERT_EQ(bgr->pixels[i + 2], rgb->pixels[i]);
  }
  // Writing a BGR view gives the same file content as the RGB one.
  ASSERT_TRUE(write_image_file(path("b.png"), bgr->view()).is_ok());
  auto back = read_image_file(path("b.png"));
  ASSERT_TRUE(back.is_ok());
  EXPECT_EQ(back->pixels, rgb->pixels);
}

TEST_F(ImageFileTest, JpegRoundTripIsClose) {
  const int w = 64, h = 48;
  const auto px = gradient(w, h, w * 3);
  vision::ImageView v{px.data(), px.size(), w, h, static_cast<size_t>(w) * 3, vision::PixelEncoding::kRgb8};
  ASSERT_TRUE(write_image_file(path("a.JPG"), v, 95).is_ok());
  auto img = read_image_file(path("a.JPG"));
  ASSERT_TRUE(img.is_ok()) << img.status().message();
  double total = 0;
  for (size_t i = 0; i < px.size(); ++i) total += std::abs(int(img->pixels[i]) - int(px[i]));
  // Quality 95 on a smooth gradient: mean error well under 3 levels (the blue channel's
  // fine pattern is what JPEG loses most of).
  EXPECT_LT(total / px.size(), 3.0);
}

TEST_F(ImageFileTest, GreyAndAlphaImagesBecomeRgb) {
  const int w = 5, h = 4;
  std::vector<uint8_t> grey(w * h);
  for (int i = 0; i < w * h; ++i) grey[i] = static_cast<uint8_t>(i * 10);
  vision::ImageView g{grey.data(), grey.size(), w, h, static_cast<size_t>(w), vision::PixelEncoding::kMono8};
  ASSERT_TRUE(write_image_file(path("g.png"), g).is_ok());
  auto img = read_image_file(path("g.png"));
  ASSERT_TRUE(img.is_ok());
  for (int i = 0; i < w * h; ++i)
    for (int c = 0; c < 3; ++c) ASSERT_EQ(img->pixels[i * 3 + c], grey[i]);

  std::vector<uint8_t> bgra(w * h * 4);
  for (int i = 0; i < w * h; ++i) {
    bgra[i * 4] = 10, bgra[i * 4 + 1] = 20, bgra[i * 4 + 2] = 30, bgra[i * 4 + 3] = 255;
  }
  vision::ImageView a{bgra.data(), bgra.size(), w, h, static_cast<size_t>(w) * 4, vision::PixelEncoding::kBgra8};
  ASSERT_TRUE(write_image_file(path("a.png"), a).is_ok());
  auto rgb = read_image_file(path("a.png"));
  ASSERT_TRUE(rgb.is_ok());
  EXPECT_EQ(rgb->pixels[0], 30);
  EXPECT_EQ(rgb->pixels[1], 20);
  EXPECT_EQ(rgb->pixels[2], 10);
}

TEST_F(ImageFileTest, DecodeFromMemory) {
  const int w = 8, h = 6;
  const auto px = gradient(w, h, w * 3);
  vision::ImageView v{px.data(), px.size(), w, h, static_cast<size_t>(w) * 3, vision::PixelEncoding::kRgb8};
  auto png = encode_image(v, ImageFileFormat::kPng);
  ASSERT_TRUE(png.is_ok());
  auto img = decode_image(*png, "camera/compressed");
  ASSERT_TRUE(img.is_ok());
  EXPECT_EQ(img->pixels, px);
  auto bad = decode_image(std::span<const uint8_t>(png->data(), 20), "camera/compressed");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("camera/compressed"), std::string::npos);
}

TEST_F(ImageFileTest, BadFilesFailNamingTheFile) {
  auto missing = read_image_file(path("missing.png"));
  ASSERT_FALSE(missing.is_ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("missing.png"), std::string::npos);

  write_bytes(path("empty.jpg"), {});
  auto empty = read_image_file(path("empty.jpg"));
  ASSERT_FALSE(empty.is_ok());
  EXPECT_NE(empty.status().message().find("empty.jpg"), std::string::npos);
  EXPECT_NE(empty.status().message().find("0 bytes"), std::string::npos);

  write_bytes(path("text.jpg"), std::vector<uint8_t>{'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'});
  auto text = read_image_file(path("text.jpg"));
  ASSERT_FALSE(text.is_ok());
  EXPECT_NE(text.status().message().find("text.jpg"), std::string::npos);
  EXPECT_NE(text.status().message().find("not a supported image"), std::string::npos);

  // A PNG cut in the middle of its pixel data.
  const int w = 40, h = 40;
  const auto px = gradient(w, h, w * 3);
  vision::ImageView v{px.data(), px.size(), w, h, static_cast<size_t>(w) * 3, vision::PixelEncoding::kRgb8};
  ASSERT_TRUE(write_image_file(path("full.png"), v).is_ok());
  auto bytes = read_bytes(path("full.png"));
  bytes.resize(bytes.size() / 2);
  write_bytes(path("truncated.png"), bytes);
  auto truncated = read_image_file(path("truncated.png"));
  ASSERT_FALSE(truncated.is_ok());
  EXPECT_NE(truncated.status().message().find("truncated.png"), std::string::npos);

  auto folder = read_image_file(dir_.string());
  ASSERT_FALSE(folder.is_ok());
  EXPECT_NE(folder.status().message().find("not a regular file"), std::string::npos);
}

TEST_F(ImageFileTest, AbsurdDeclaredSizeIsRefusedBeforeDecoding) {
  // A PNG signature and an IHDR chunk declaring 100000 x 100000 pixels, nothing else.
  std::vector<uint8_t> png = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
  auto be32 = [&](uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) png.push_back(static_cast<uint8_t>(v >> s));
  };
  be32(100000);
  be32(100000);
  png.insert(png.end(), {8, 2, 0, 0, 0, 0, 0, 0, 0});  // 8-bit RGB, CRC (unchecked)
  write_bytes(path("huge.png"), png);
  auto huge = read_image_file(path("huge.png"));
  ASSERT_FALSE(huge.is_ok());
  EXPECT_NE(huge.status().message().find("huge.png"), std::string::npos);
}

TEST_F(ImageFileTest, WriteChecksItsArguments) {
  std::vector<uint8_t> px(12, 0);
  vision::ImageView v{px.data(), px.size(), 2, 2, 6, vision::PixelEncoding::kRgb8};
  Status s = write_image_file(path("x.gif"), v);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("x.gif"), std::string::npos);
  vision::ImageView yuv{px.data(), px.size(), 2, 2, 4, vision::PixelEncoding::kYuyv};
  EXPECT_FALSE(write_image_file(path("y.png"), yuv).is_ok());
  vision::ImageView short_buffer{px.data(), 5, 2, 2, 6, vision::PixelEncoding::kRgb8};
  EXPECT_FALSE(write_image_file(path("z.png"), short_buffer).is_ok());
  EXPECT_FALSE(fs::exists(path("z.png")));
}

TEST(ImageFileNames, Extensions) {
  EXPECT_TRUE(is_image_file_name("a/b.JPG"));
  EXPECT_TRUE(is_image_file_name("x.png"));
  EXPECT_TRUE(is_image_file_name("x.jpeg"));
  EXPECT_TRUE(is_image_file_name("x.bmp"));
  EXPECT_FALSE(is_image_file_name("x.txt"));
  EXPECT_FALSE(is_image_file_name("png"));
}

}  // namespace
}  // namespace fovea::io
