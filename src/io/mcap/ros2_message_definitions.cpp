#include "io/mcap/ros2_message_definitions.h"

#include <functional>
#include <map>
#include <set>
#include <sstream>

namespace fovea::io::mcap {
namespace {

// "pkg/Type" -> .msg fields. Same-package references stay unqualified, as in the real files: the
// dependency rule below qualifies them the way rosbag2 does.
const std::map<std::string, std::string, std::less<>>& msg_texts() {
  static const std::map<std::string, std::string, std::less<>> texts = {
      {"builtin_interfaces/Time", "int32 sec\nuint32 nanosec\n"},
      {"std_msgs/Header", "builtin_interfaces/Time stamp\nstring frame_id\n"},
      {"sensor_msgs/Image",
       "std_msgs/Header header\nuint32 height\nuint32 width\nstring encoding\nuint8 is_bigendian\nuint32 step\nuint8[] data\n"},
      {"sensor_msgs/CompressedImage", "std_msgs/Header header\nstring format\nuint8[] data\n"},
      {"geometry_msgs/Point", "float64 x\nfloat64 y\nfloat64 z\n"},
      {"geometry_msgs/Quaternion", "float64 x 0\nfloat64 y 0\nfloat64 z 0\nfloat64 w 1\n"},
      {"geometry_msgs/Pose", "Point position\nQuaternion orientation\n"},
      {"geometry_msgs/PoseWithCovariance", "Pose pose\nfloat64[36] covariance\n"},
      {"vision_msgs/Point2D", "float64 x\nfloat64 y\n"},
      {"vision_msgs/Pose2D", "vision_msgs/Point2D position\nfloat64 theta\n"},
      {"vision_msgs/BoundingBox2D", "vision_msgs/Pose2D center\nfloat64 size_x\nfloat64 size_y\n"},
      {"vision_msgs/ObjectHypothesis", "string class_id\nfloat64 score\n"},
      {"vision_msgs/ObjectHypothesisWithPose", "ObjectHypothesis hypothesis\ngeometry_msgs/PoseWithCovariance pose\n"},
      {"vision_msgs/Detection2D",
       "std_msgs/Header header\nObjectHypothesisWithPose[] results\nBoundingBox2D bbox\nstring id\n"},
      {"vision_msgs/Detection2DArray", "std_msgs/Header header\nDetection2D[] detections\n"},
  };
  return texts;
}

const std::set<std::string, std::less<>> kPrimitives = {"bool",  "byte",   "char",  "float32", "float64", "int8",   "uint8",
                                                        "int16", "uint16", "int32", "uint32",  "int64",   "uint64", "string",
                                                        "wstring"};

// "sensor_msgs/msg/Image" -> "sensor_msgs/Image"
std::string short_name(std::string_view type) {
  std::string s(type);
  const size_t at = s.find("/msg/");
  if (at != std::string::npos) s.erase(at, 4);
  return s;
}

// The non-primitive field types of a .msg text, qualified with `package` when unqualified; sorted
// (rosbag2 keeps them in a std::set).
std::set<std::string> dependencies(const std::string& text, const std::string& package) {
  std::set<std::string> deps;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string type;
    if (!(fields >> type) || type[0] == '#') continue;
    const size_t bracket = type.find('[');
    if (bracket != std::string::npos) type.resize(bracket);
    const size_t bound = type.find("<=");  // string<=N
    if (bound != std::string::npos) type.resize(bound);
    if (kPrimitives.contains(type)) continue;
    deps.insert(type.find('/') == std::string::npos ? package + "/" + type : type);
  }
  return deps;
}

}  // namespace

std::optional<std::string> ros2msg_definition(std::string_view type) {
  const std::string root = short_name(type);
  if (!msg_texts().contains(root)) return std::nullopt;
  std::set<std::string> seen;
  bool complete = true;
  std::function<std::string(const std::string&)> append = [&](const std::string& name) {
    auto it = msg_texts().find(name);
    if (it == msg_texts().end()) {
      complete = false;
      return std::string();
    }
    std::string out = it->second;
    for (const std::string& dep : dependencies(it->second, name.substr(0, name.find('/')))) {
      if (!seen.insert(dep).second) continue;
      out += "\n" + std::string(80, '=') + "\nMSG: " + dep + "\n";
      out += append(dep);
    }
    return out;
  };
  std::string text = append(root);
  if (!complete) return std::nullopt;
  return text;
}

std::optional<std::string> ros2_type_hash(std::string_view type) {
  // Recomputed REP-2011 hashes of the Jazzy definitions (../shared/reference/ros2-wire.md §3).
  static const std::map<std::string, std::string, std::less<>> hashes = {
      {"sensor_msgs/Image", "RIHS01_d31d41a9a4c4bc8eae9be757b0beed306564f7526c88ea6a4588fb9582527d47"},
      {"sensor_msgs/CompressedImage", "RIHS01_15640771531571185e2efc8a100baf923961a4d15d5569652e6cb6691e8e371a"},
      {"vision_msgs/Detection2DArray", "RIHS01_214274120007f4a683866481336b70310268cfa107aebe9d594a6acf75bda968"},
  };
  auto it = hashes.find(short_name(type));
  if (it == hashes.end()) return std::nullopt;
  return it->second;
}

}  // namespace fovea::io::mcap
