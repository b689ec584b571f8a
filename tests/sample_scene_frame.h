// A camera-like bgr8 frame for tests that run the demo detector: one of the demo's sample scenes
// (objects the trained detector knows) scaled by nearest neighbour to w x h, rows padded by
// `row_padding` bytes so the encoder must honour the step. Shared by the unit and GPU tests.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "io/image_file.h"
#include "pipeline/vision_model.h"

namespace fovea::test {

struct OwnedFrame {
  std::vector<uint8_t> bytes;
  pipeline::Frame frame;  // views `bytes`; source set, header left to the caller
};

inline OwnedFrame sample_scene_frame(int w, int h, int scene, const std::string& source, size_t row_padding) {
  OwnedFrame f;
  const std::string path = std::string(FOVEA_SOURCE_DIR) + "/models/demo/samples/images/00000" +
                           std::to_string(scene % 5) + ".jpg";
  auto picture = io::read_image_file(path, vision::PixelEncoding::kBgr8);
  EXPECT_TRUE(picture.is_ok()) << picture.status().message();
  const size_t step = static_cast<size_t>(w) * 3 + row_padding;
  f.bytes.assign(step * h, 0);
  if (picture.is_ok())
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const int sx = x * picture->width / w, sy = y * picture->height / h;
        const uint8_t* src = picture->pixels.data() + (static_cast<size_t>(sy) * picture->width + sx) * 3;
        std::copy(src, src + 3, f.bytes.data() + y * step + 3 * x);
      }
  f.frame.image = vision::ImageView{f.bytes.data(), f.bytes.size(), w, h, step, vision::PixelEncoding::kBgr8};
  f.frame.source = source;
  return f;
}

}  // namespace fovea::test
