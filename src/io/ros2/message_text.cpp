#include "io/ros2/message_text.h"

#include <array>
#include <cctype>

#include <fmt/format.h>

namespace fovea::io::ros2 {
namespace {

// A YAML scalar for a string: quoted when YAML would read it as something else (as ros2 echo
// quotes '0' or '').
std::string yaml_string(const std::string& s) {
  bool plain = !s.empty();
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '/' || c == '.' || c == '-')) plain = false;
  if (plain) {
    bool numeric = true;
    for (char c : s)
      if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-')) numeric = false;
    if (!numeric && s != "true" && s != "false" && s != "null") return s;
  }
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// Shortest text that reads back as the same double, with ".0" for integral values (as Python's
// repr, which ros2 echo uses).
std::string yaml_double(double v) {
  std::string s = fmt::format("{}", v);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

std::string pad(int indent) { return std::string(static_cast<size_t>(indent), ' '); }

void header_yaml(std::string& out, const msg::Header& h, int indent, const char* first_prefix = nullptr) {
  out += (first_prefix ? std::string(first_prefix) : pad(indent)) + "header:\n";
  out += pad(indent + 2) + "stamp:\n";
  out += pad(indent + 4) + fmt::format("sec: {}\n", h.stamp.sec);
  out += pad(indent + 4) + fmt::format("nanosec: {}\n", h.stamp.nanosec);
  out += pad(indent + 2) + "frame_id: " + yaml_string(h.frame_id) + "\n";
}

template <typename Doubles>
std::string flow_array(const Doubles& a) {
  std::string s = "[";
  for (size_t i = 0; i < a.size(); ++i) s += (i ? ", " : "") + yaml_double(a[i]);
  return s + "]";
}

}  // namespace

std::string format_stamp(const msg::Time& t) { return fmt::format("{}.{:09d}", t.sec, t.nanosec); }

std::string to_yaml(const msg::Detection2DArray& m) {
  std::string out;
  header_yaml(out, m.header, 0);
  if (m.detections.empty()) return out + "detections: []\n";
  out += "detections:\n";
  for (const msg::Detection2D& d : m.detections) {
    header_yaml(out, d.header, 2, "- ");
    if (d.results.empty()) out += "  results: []\n";
    else out += "  results:\n";
    for (const msg::ObjectHypothesisWithPose& r : d.results) {
      out += "  - hypothesis:\n";
      out += "      class_id: " + yaml_string(r.hypothesis.class_id) + "\n";
      out += "      score: " + yaml_double(r.hypothesis.score) + "\n";
      const msg::Pose& p = r.pose.pose;
      out += "    pose:\n      pose:\n        position:\n";
      out += fmt::format("          x: {}\n          y: {}\n          z: {}\n", yaml_double(p.position.x),
                         yaml_double(p.position.y), yaml_double(p.position.z));
      out += "        orientation:\n";
      out += fmt::format("          x: {}\n          y: {}\n          z: {}\n          w: {}\n",
                         yaml_double(p.orientation.x), yaml_double(p.orientation.y), yaml_double(p.orientation.z),
                         yaml_double(p.orientation.w));
      out += "      covariance: " + flow_array(r.pose.covariance) + "\n";
    }
    out += "  bbox:\n    center:\n      position:\n";
    out += fmt::format("        x: {}\n        y: {}\n", yaml_double(d.bbox.center.position.x),
                       yaml_double(d.bbox.center.position.y));
    out += "      theta: " + yaml_double(d.bbox.center.theta) + "\n";
    out += "    size_x: " + yaml_double(d.bbox.size_x) + "\n";
    out += "    size_y: " + yaml_double(d.bbox.size_y) + "\n";
    out += "  id: " + yaml_string(d.id) + "\n";
  }
  return out;
}

std::string to_yaml(const msg::Classification& m) {
  std::string out;
  header_yaml(out, m.header, 0);
  if (m.results.empty()) return out + "results: []\n";
  out += "results:\n";
  for (const msg::ObjectHypothesis& r : m.results) {
    out += "- class_id: " + yaml_string(r.class_id) + "\n";
    out += "  score: " + yaml_double(r.score) + "\n";
  }
  return out;
}

std::string to_yaml(const msg::LabelInfo& m) {
  std::string out;
  header_yaml(out, m.header, 0);
  if (m.class_map.empty()) out += "class_map: []\n";
  else out += "class_map:\n";
  for (const msg::VisionClass& c : m.class_map) {
    out += fmt::format("- class_id: {}\n", c.class_id);
    out += "  class_name: " + yaml_string(c.class_name) + "\n";
  }
  out += "threshold: " + yaml_double(m.threshold) + "\n";
  return out;
}

std::string to_yaml(const msg::CameraInfo& m) {
  std::string out;
  header_yaml(out, m.header, 0);
  out += fmt::format("height: {}\nwidth: {}\n", m.height, m.width);
  out += "distortion_model: " + yaml_string(m.distortion_model) + "\n";
  out += "d: " + flow_array(m.d) + "\n";
  out += "k: " + flow_array(m.k) + "\n";
  out += "r: " + flow_array(m.r) + "\n";
  out += "p: " + flow_array(m.p) + "\n";
  out += fmt::format("binning_x: {}\nbinning_y: {}\n", m.binning_x, m.binning_y);
  out += fmt::format("roi:\n  x_offset: {}\n  y_offset: {}\n  height: {}\n  width: {}\n  do_rectify: {}\n",
                     m.roi.x_offset, m.roi.y_offset, m.roi.height, m.roi.width, m.roi.do_rectify ? "true" : "false");
  return out;
}

std::string summarize(const msg::Image& m) {
  return fmt::format("{}x{} {} step {}, {} bytes, frame_id '{}', stamp {}", m.width, m.height, m.encoding, m.step,
                     m.data.size(), m.header.frame_id, format_stamp(m.header.stamp));
}

std::string summarize(const msg::CompressedImage& m) {
  return fmt::format("compressed '{}', {} bytes, frame_id '{}', stamp {}", m.format, m.data.size(),
                     m.header.frame_id, format_stamp(m.header.stamp));
}

}  // namespace fovea::io::ros2
