#include "io/ros2/cdr/cdr_codec.h"

#include <algorithm>
#include <array>

namespace fovea::io::ros2 {

#define FOVEA_ROS2_CDR_TYPE_NAME(T, NAME) \
  template <>                             \
  std::string_view ros_type_name_of<msg::T>() { return NAME; }
FOVEA_ROS2_CDR_MESSAGES(FOVEA_ROS2_CDR_TYPE_NAME)
#undef FOVEA_ROS2_CDR_TYPE_NAME

namespace {

using cdr::CdrReader;
using cdr::CdrWriter;
using Scope = CdrReader::Scope;

// Every write / read overload, declared up front so the templates below (nested fields,
// sequences) find them all.
#define FOVEA_ROS2_CDR_DECLARE_CODER(T, NAME) \
  void write(CdrWriter& w, const msg::T& m);  \
  void read(CdrReader& r, msg::T& m);
FOVEA_ROS2_CDR_MESSAGES(FOVEA_ROS2_CDR_DECLARE_CODER)
#undef FOVEA_ROS2_CDR_DECLARE_CODER

constexpr size_t kJazzyGidBytes = 16;
constexpr size_t kNodeNameBound = 256;  // rmw_dds_common's string<256>

// The fewest bytes one element of a sequence can take (padding not counted), so that an absurd
// count is refused before anything is reserved for it: a string is at least its length and NUL.
constexpr size_t kMinString = 5;
constexpr size_t kMinHeader = 8 + kMinString;
constexpr size_t kMinObjectHypothesis = kMinString + 8;
constexpr size_t kMinObjectHypothesisWithPose = kMinObjectHypothesis + 7 * 8 + 36 * 8;
constexpr size_t kMinDetection2D = kMinHeader + 4 + 5 * 8 + kMinString;
constexpr size_t kMinVisionClass = 2 + kMinString;
constexpr size_t kMinNodeEntitiesInfo = 2 * kMinString + 2 * 4;

template <size_t N>
void write_doubles(CdrWriter& w, const std::array<double, N>& a) {
  for (double v : a) w.f64(v);
}
template <size_t N>
void read_doubles(CdrReader& r, std::array<double, N>& a, const char* field) {
  for (double& v : a) v = r.f64(field);
}

// ---- one write / read pair per type, in the field order of the IDL ----

void write(CdrWriter& w, const msg::Time& m) {
  w.i32(m.sec);
  w.u32(m.nanosec);
}
void read(CdrReader& r, msg::Time& m) {
  m.sec = r.i32("sec");
  m.nanosec = r.u32("nanosec");
}

void write(CdrWriter& w, const msg::Header& m) {
  write(w, m.stamp);
  w.string(m.frame_id);
}
void read(CdrReader& r, msg::Header& m) {
  {
    Scope s(r, "stamp");
    read(r, m.stamp);
  }
  m.frame_id = r.string("frame_id");
}

// A nested struct field, read under its name.
template <typename T>
void read_field(CdrReader& r, T& m, const char* name) {
  Scope s(r, name);
  read(r, m);
}

void write(CdrWriter& w, const msg::Image& m) {
  write(w, m.header);
  w.u32(m.height);
  w.u32(m.width);
  w.string(m.encoding);
  w.u8(m.is_bigendian);
  w.u32(m.step);
  w.octets(m.data, "data");
}
void read(CdrReader& r, msg::Image& m) {
  read_field(r, m.header, "header");
  m.height = r.u32("height");
  m.width = r.u32("width");
  m.encoding = r.string("encoding");
  m.is_bigendian = r.u8("is_bigendian");
  m.step = r.u32("step");
  m.data = r.octets("data");
}

void write(CdrWriter& w, const msg::CompressedImage& m) {
  write(w, m.header);
  w.string(m.format);
  w.octets(m.data, "data");
}
void read(CdrReader& r, msg::CompressedImage& m) {
  read_field(r, m.header, "header");
  m.format = r.string("format");
  m.data = r.octets("data");
}

void write(CdrWriter& w, const msg::RegionOfInterest& m) {
  w.u32(m.x_offset);
  w.u32(m.y_offset);
  w.u32(m.height);
  w.u32(m.width);
  w.boolean(m.do_rectify);
}
void read(CdrReader& r, msg::RegionOfInterest& m) {
  m.x_offset = r.u32("x_offset");
  m.y_offset = r.u32("y_offset");
  m.height = r.u32("height");
  m.width = r.u32("width");
  m.do_rectify = r.boolean("do_rectify");
}

void write(CdrWriter& w, const msg::CameraInfo& m) {
  write(w, m.header);
  w.u32(m.height);
  w.u32(m.width);
  w.string(m.distortion_model);
  w.count(m.d.size(), "d");
  for (double v : m.d) w.f64(v);
  write_doubles(w, m.k);
  write_doubles(w, m.r);
  write_doubles(w, m.p);
  w.u32(m.binning_x);
  w.u32(m.binning_y);
  write(w, m.roi);
}
void read(CdrReader& r, msg::CameraInfo& m) {
  read_field(r, m.header, "header");
  m.height = r.u32("height");
  m.width = r.u32("width");
  m.distortion_model = r.string("distortion_model");
  const uint32_t n = r.count("d", 8);
  m.d.assign(n, 0.0);
  for (double& v : m.d) v = r.f64("d");
  read_doubles(r, m.k, "k");
  read_doubles(r, m.r, "r");
  read_doubles(r, m.p, "p");
  m.binning_x = r.u32("binning_x");
  m.binning_y = r.u32("binning_y");
  read_field(r, m.roi, "roi");
}

void write(CdrWriter& w, const msg::Point& m) {
  w.f64(m.x);
  w.f64(m.y);
  w.f64(m.z);
}
void read(CdrReader& r, msg::Point& m) {
  m.x = r.f64("x");
  m.y = r.f64("y");
  m.z = r.f64("z");
}

void write(CdrWriter& w, const msg::Quaternion& m) {
  w.f64(m.x);
  w.f64(m.y);
  w.f64(m.z);
  w.f64(m.w);
}
void read(CdrReader& r, msg::Quaternion& m) {
  m.x = r.f64("x");
  m.y = r.f64("y");
  m.z = r.f64("z");
  m.w = r.f64("w");
}

void write(CdrWriter& w, const msg::Pose& m) {
  write(w, m.position);
  write(w, m.orientation);
}
void read(CdrReader& r, msg::Pose& m) {
  read_field(r, m.position, "position");
  read_field(r, m.orientation, "orientation");
}

void write(CdrWriter& w, const msg::PoseWithCovariance& m) {
  write(w, m.pose);
  write_doubles(w, m.covariance);
}
void read(CdrReader& r, msg::PoseWithCovariance& m) {
  read_field(r, m.pose, "pose");
  read_doubles(r, m.covariance, "covariance");
}

void write(CdrWriter& w, const msg::Point2D& m) {
  w.f64(m.x);
  w.f64(m.y);
}
void read(CdrReader& r, msg::Point2D& m) {
  m.x = r.f64("x");
  m.y = r.f64("y");
}

void write(CdrWriter& w, const msg::Pose2D& m) {
  write(w, m.position);
  w.f64(m.theta);
}
void read(CdrReader& r, msg::Pose2D& m) {
  read_field(r, m.position, "position");
  m.theta = r.f64("theta");
}

void write(CdrWriter& w, const msg::BoundingBox2D& m) {
  write(w, m.center);
  w.f64(m.size_x);
  w.f64(m.size_y);
}
void read(CdrReader& r, msg::BoundingBox2D& m) {
  read_field(r, m.center, "center");
  m.size_x = r.f64("size_x");
  m.size_y = r.f64("size_y");
}

void write(CdrWriter& w, const msg::ObjectHypothesis& m) {
  w.string(m.class_id);
  w.f64(m.score);
}
void read(CdrReader& r, msg::ObjectHypothesis& m) {
  m.class_id = r.string("class_id");
  m.score = r.f64("score");
}

void write(CdrWriter& w, const msg::ObjectHypothesisWithPose& m) {
  write(w, m.hypothesis);
  write(w, m.pose);
}
void read(CdrReader& r, msg::ObjectHypothesisWithPose& m) {
  read_field(r, m.hypothesis, "hypothesis");
  read_field(r, m.pose, "pose");
}

// sequence<T> of structs: the count, then each element.
template <typename T>
void write_sequence(CdrWriter& w, const std::vector<T>& v, const char* field) {
  w.count(v.size(), field);
  for (const T& e : v) write(w, e);
}
template <typename T>
void read_sequence(CdrReader& r, std::vector<T>& v, const char* field, size_t min_element_bytes) {
  const uint32_t n = r.count(field, min_element_bytes);
  v.clear();
  v.reserve(n);
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    Scope s(r, field, i);
    read(r, v.emplace_back());
  }
}

void write(CdrWriter& w, const msg::Detection2D& m) {
  write(w, m.header);
  write_sequence(w, m.results, "results");
  write(w, m.bbox);
  w.string(m.id);
}
void read(CdrReader& r, msg::Detection2D& m) {
  read_field(r, m.header, "header");
  read_sequence(r, m.results, "results", kMinObjectHypothesisWithPose);
  read_field(r, m.bbox, "bbox");
  m.id = r.string("id");
}

void write(CdrWriter& w, const msg::Detection2DArray& m) {
  write(w, m.header);
  write_sequence(w, m.detections, "detections");
}
void read(CdrReader& r, msg::Detection2DArray& m) {
  read_field(r, m.header, "header");
  read_sequence(r, m.detections, "detections", kMinDetection2D);
}

void write(CdrWriter& w, const msg::Classification& m) {
  write(w, m.header);
  write_sequence(w, m.results, "results");
}
void read(CdrReader& r, msg::Classification& m) {
  read_field(r, m.header, "header");
  read_sequence(r, m.results, "results", kMinObjectHypothesis);
}

void write(CdrWriter& w, const msg::VisionClass& m) {
  w.u16(m.class_id);
  w.string(m.class_name);
}
void read(CdrReader& r, msg::VisionClass& m) {
  m.class_id = r.u16("class_id");
  m.class_name = r.string("class_name");
}

void write(CdrWriter& w, const msg::LabelInfo& m) {
  write(w, m.header);
  write_sequence(w, m.class_map, "class_map");
  w.f32(m.threshold);
}
void read(CdrReader& r, msg::LabelInfo& m) {
  read_field(r, m.header, "header");
  read_sequence(r, m.class_map, "class_map", kMinVisionClass);
  m.threshold = r.f32("threshold");
}

// ---- rmw_dds_common: the GID size depends on the distro ----

void write_gid(CdrWriter& w, const msg::Gid& m, size_t gid_bytes) {
  w.octet_array(m.data);
  for (size_t i = m.data.size(); i < gid_bytes; ++i) w.u8(0);
}
void read_gid(CdrReader& r, msg::Gid& m, size_t gid_bytes) {
  uint8_t bytes[24] = {};
  r.octet_array(std::span<uint8_t>(bytes, gid_bytes), "data");
  std::copy_n(bytes, m.data.size(), m.data.begin());
}

void write_node(CdrWriter& w, const msg::NodeEntitiesInfo& m, size_t gid_bytes) {
  w.string(m.node_namespace, kNodeNameBound);
  w.string(m.node_name, kNodeNameBound);
  w.count(m.reader_gid_seq.size(), "reader_gid_seq");
  for (const msg::Gid& g : m.reader_gid_seq) write_gid(w, g, gid_bytes);
  w.count(m.writer_gid_seq.size(), "writer_gid_seq");
  for (const msg::Gid& g : m.writer_gid_seq) write_gid(w, g, gid_bytes);
}
void read_gids(CdrReader& r, std::vector<msg::Gid>& v, const char* field, size_t gid_bytes) {
  const uint32_t n = r.count(field, gid_bytes);
  v.assign(n, msg::Gid{});
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    Scope s(r, field, i);
    read_gid(r, v[i], gid_bytes);
  }
}
void read_node(CdrReader& r, msg::NodeEntitiesInfo& m, size_t gid_bytes) {
  m.node_namespace = r.string("node_namespace", kNodeNameBound);
  m.node_name = r.string("node_name", kNodeNameBound);
  read_gids(r, m.reader_gid_seq, "reader_gid_seq", gid_bytes);
  read_gids(r, m.writer_gid_seq, "writer_gid_seq", gid_bytes);
}

void write_participant(CdrWriter& w, const msg::ParticipantEntitiesInfo& m, size_t gid_bytes) {
  write_gid(w, m.gid, gid_bytes);
  w.count(m.node_entities_info_seq.size(), "node_entities_info_seq");
  for (const msg::NodeEntitiesInfo& n : m.node_entities_info_seq) write_node(w, n, gid_bytes);
}
void read_participant(CdrReader& r, msg::ParticipantEntitiesInfo& m, size_t gid_bytes) {
  {
    Scope s(r, "gid");
    read_gid(r, m.gid, gid_bytes);
  }
  const uint32_t n = r.count("node_entities_info_seq", kMinNodeEntitiesInfo);
  m.node_entities_info_seq.assign(n, msg::NodeEntitiesInfo{});
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    Scope s(r, "node_entities_info_seq", i);
    read_node(r, m.node_entities_info_seq[i], gid_bytes);
  }
}

void write(CdrWriter& w, const msg::Gid& m) { write_gid(w, m, kJazzyGidBytes); }
void read(CdrReader& r, msg::Gid& m) { read_gid(r, m, kJazzyGidBytes); }
void write(CdrWriter& w, const msg::NodeEntitiesInfo& m) { write_node(w, m, kJazzyGidBytes); }
void read(CdrReader& r, msg::NodeEntitiesInfo& m) { read_node(r, m, kJazzyGidBytes); }
void write(CdrWriter& w, const msg::ParticipantEntitiesInfo& m) { write_participant(w, m, kJazzyGidBytes); }
void read(CdrReader& r, msg::ParticipantEntitiesInfo& m) { read_participant(r, m, kJazzyGidBytes); }

Status check_gid_bytes(size_t gid_bytes) {
  if (gid_bytes != 16 && gid_bytes != 24)
    return invalid_argument("rmw_dds_common/msg/Gid: {} bytes; a GID has 16 (Iron and later) or 24 (Humble)", gid_bytes);
  return Status::ok();
}

}  // namespace

template <typename Msg>
Result<std::vector<uint8_t>> serialize(const Msg& msg) {
  CdrWriter w;
  write(w, msg);
  return w.finish(ros_type_name_of<Msg>());
}

template <typename Msg>
Result<Msg> deserialize(std::span<const uint8_t> bytes) {
  CdrReader r(bytes, ros_type_name_of<Msg>());
  Msg msg;
  if (r.ok()) read(r, msg);
  if (!r.ok()) return r.status();
  return msg;
}

Result<std::vector<uint8_t>> serialize_participant_entities_info(const msg::ParticipantEntitiesInfo& info,
                                                                 size_t gid_bytes) {
  FOVEA_RETURN_IF_ERROR(check_gid_bytes(gid_bytes));
  CdrWriter w;
  write_participant(w, info, gid_bytes);
  return w.finish(ros_type_name_of<msg::ParticipantEntitiesInfo>());
}

Result<msg::ParticipantEntitiesInfo> deserialize_participant_entities_info(std::span<const uint8_t> bytes,
                                                                           size_t gid_bytes) {
  FOVEA_RETURN_IF_ERROR(check_gid_bytes(gid_bytes));
  CdrReader r(bytes, ros_type_name_of<msg::ParticipantEntitiesInfo>());
  msg::ParticipantEntitiesInfo info;
  if (r.ok()) read_participant(r, info, gid_bytes);
  if (!r.ok()) return r.status();
  return info;
}

#define FOVEA_ROS2_CDR_INSTANTIATE(T, NAME)                                \
  template Result<std::vector<uint8_t>> serialize<msg::T>(const msg::T&); \
  template Result<msg::T> deserialize<msg::T>(std::span<const uint8_t>);
FOVEA_ROS2_CDR_MESSAGES(FOVEA_ROS2_CDR_INSTANTIATE)
#undef FOVEA_ROS2_CDR_INSTANTIATE

}  // namespace fovea::io::ros2
