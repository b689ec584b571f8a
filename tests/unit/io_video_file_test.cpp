// Video files through OpenCV: an annotated-video round trip (write MJPEG, read back the same
// number of frames, size and roughly the same pixels), and the clear errors: missing, empty or
// corrupt files, and "built without video support" when videoio is absent.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "io/video_file.h"

namespace fovea::io {
namespace {

namespace fs = std::filesystem;

TEST(VideoFile, Names) {
  EXPECT_TRUE(is_video_file_name("a/b.MP4"));
  EXPECT_TRUE(is_video_file_name("x.avi"));
  EXPECT_FALSE(is_video_file_name("x.png"));
}

TEST(VideoFile, RoundTripOrClearError) {
  const fs::path dir = fs::temp_directory_path() / "fovea_video_file_test";
  fs::create_directories(dir);
  const std::string path = (dir / "clip.avi").string();
  const int w = 64, h = 48, n = 5;
  auto writer = VideoFileWriter::open(path, w, h, 10.0);
  if (!video_support_available()) {
    ASSERT_FALSE(writer.is_ok());
    EXPECT_NE(writer.status().message().find("without video support"), std::string::npos);
    auto reader = VideoFileReader::open(path);
    ASSERT_FALSE(reader.is_ok());
    EXPECT_NE(reader.status().message().find("without video support"), std::string::npos);
    GTEST_SKIP() << "built without OpenCV videoio";
  }
  ASSERT_TRUE(writer.is_ok()) << writer.status().message();
  std::vector<uint8_t> px(static_cast<size_t>(w) * h * 3);
  for (int f = 0; f < n; ++f) {
    for (size_t i = 0; i < px.size(); ++i) px[i] = static_cast<uint8_t>(40 * f + (i % 3) * 50);
    const vision::ImageView v{px.data(), px.size(), w, h, static_cast<size_t>(w) * 3, vision::PixelEncoding::kBgr8};
    ASSERT_TRUE((*writer)->write(v).is_ok());
  }
  const vision::ImageView wrong{px.data(), px.size(), w / 2, h, static_cast<size_t>(w) * 3, vision::PixelEncoding::kBgr8};
  EXPECT_FALSE((*writer)->write(wrong).is_ok());
  (*writer)->close();

  auto reader = VideoFileReader::open(path);
  ASSERT_TRUE(reader.is_ok()) << reader.status().message();
  int frames = 0;
  for (;;) {
    auto frame = (*reader)->next_frame();
    ASSERT_TRUE(frame.is_ok()) << frame.status().message();
    if (!frame->has_value()) break;
    const vision::ImageView& v = **frame;
    EXPECT_EQ(v.width, w);
    EXPECT_EQ(v.height, h);
    EXPECT_EQ(v.encoding, vision::PixelEncoding::kBgr8);
    // Flat colours survive MJPEG within a few levels.
    EXPECT_NEAR(v.data[v.step * 10 + 3 * 10 + 1], 40 * frames + 50, 6) << "frame " << frames;
    ++frames;
  }
  EXPECT_EQ(frames, n);
  EXPECT_EQ((*reader)->frames_read(), n);

  std::ofstream(dir / "empty.mp4").close();
  auto empty = VideoFileReader::open((dir / "empty.mp4").string());
  ASSERT_FALSE(empty.is_ok());
  EXPECT_NE(empty.status().message().find("empty.mp4"), std::string::npos);
  std::ofstream(dir / "junk.mp4") << "definitely not a video container";
  auto junk = VideoFileReader::open((dir / "junk.mp4").string());
  ASSERT_FALSE(junk.is_ok());
  EXPECT_NE(junk.status().message().find("junk.mp4"), std::string::npos);
  auto missing = VideoFileReader::open((dir / "missing.mp4").string());
  ASSERT_FALSE(missing.is_ok());
  EXPECT_NE(missing.status().message().find("missing.mp4"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace fovea::io
