// The frame-path benchmark behind `fovea bench --frame`: a camera frame in host memory to
// detections on the host through pipeline::VisionModel, per stage and end to end.
#pragma once

#include <string>

#include "core/status.h"

namespace fovea::cli {

struct FrameBenchOptions {
  std::string model;
  std::string frame = "1920x1080:bgr8";  // WxH[:rgb8|bgr8]
  std::string image;                     // optional picture scaled to the frame size
  std::string device = "gpu";            // gpu | cpu
  bool pinned_frame = false;             // page-lock the frame (cudaHostRegister) before timing
  bool fp16 = false;
  std::string engine_cache_dir;
  std::string labels;
  float confidence_threshold = 0.25f;
  float nms_threshold = 0.45f;
  int iterations = 200;
  int warm_up_iterations = 20;
  std::string json;
};

Status run_frame_bench(const FrameBenchOptions& options);

}  // namespace fovea::cli
