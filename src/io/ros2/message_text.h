// Messages as text for `fovea echo` and logs: YAML in the layout of `ros2 topic echo` (nested
// maps, "- " list items, fixed-size arrays in flow style) for the result messages, and a
// one-line summary for images (whose pixels nobody wants printed).
#pragma once

#include <string>

#include "io/ros2/messages.h"

namespace fovea::io::ros2 {

std::string to_yaml(const msg::Detection2DArray& m);
std::string to_yaml(const msg::Classification& m);
std::string to_yaml(const msg::LabelInfo& m);
std::string to_yaml(const msg::CameraInfo& m);
// "640x480 bgr8 step 1920, 921600 bytes, frame_id 'camera', stamp 1700000000.000000042"
std::string summarize(const msg::Image& m);
std::string summarize(const msg::CompressedImage& m);
// "1700000000.000000042"
std::string format_stamp(const msg::Time& t);

}  // namespace fovea::io::ros2
