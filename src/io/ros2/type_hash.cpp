#include "io/ros2/type_hash.h"

#include <openssl/evp.h>

#include <algorithm>
#include <set>

namespace fovea::io::ros2 {
namespace {

using namespace field_type;

FieldDescription plain(std::string_view name, int type_id) { return {name, type_id, 0, 0, {}}; }
FieldDescription nested(std::string_view name, std::string_view type, int modifier = 0) {
  return {name, kNestedType + modifier, 0, 0, type};
}
FieldDescription array(std::string_view name, int type_id, uint64_t n) { return {name, type_id + kArray, n, 0, {}}; }

// Field order and types as the .msg files of Humble/Jazzy (vision_msgs 4.1.1; rmw_dds_common with
// the 16-byte Gid of Iron and later: Humble sends no hashes).
const std::vector<TypeDescription>& type_table() {
  static const std::vector<TypeDescription> table = {
      {"builtin_interfaces/msg/Time", {plain("sec", kInt32), plain("nanosec", kUint32)}},
      {"std_msgs/msg/Header", {nested("stamp", "builtin_interfaces/msg/Time"), plain("frame_id", kString)}},
      {"sensor_msgs/msg/Image",
       {nested("header", "std_msgs/msg/Header"), plain("height", kUint32), plain("width", kUint32),
        plain("encoding", kString), plain("is_bigendian", kUint8), plain("step", kUint32),
        plain("data", kUint8 + kUnboundedSequence)}},
      {"sensor_msgs/msg/CompressedImage",
       {nested("header", "std_msgs/msg/Header"), plain("format", kString), plain("data", kUint8 + kUnboundedSequence)}},
      {"sensor_msgs/msg/RegionOfInterest",
       {plain("x_offset", kUint32), plain("y_offset", kUint32), plain("height", kUint32), plain("width", kUint32),
        plain("do_rectify", kBoolean)}},
      {"sensor_msgs/msg/CameraInfo",
       {nested("header", "std_msgs/msg/Header"), plain("height", kUint32), plain("width", kUint32),
        plain("distortion_model", kString), plain("d", kDouble + kUnboundedSequence), array("k", kDouble, 9),
        array("r", kDouble, 9), array("p", kDouble, 12), plain("binning_x", kUint32), plain("binning_y", kUint32),
        nested("roi", "sensor_msgs/msg/RegionOfInterest")}},
      {"geometry_msgs/msg/Point", {plain("x", kDouble), plain("y", kDouble), plain("z", kDouble)}},
      {"geometry_msgs/msg/Quaternion", {plain("x", kDouble), plain("y", kDouble), plain("z", kDouble), plain("w", kDouble)}},
      {"geometry_msgs/msg/Pose",
       {nested("position", "geometry_msgs/msg/Point"), nested("orientation", "geometry_msgs/msg/Quaternion")}},
      {"geometry_msgs/msg/PoseWithCovariance",
       {nested("pose", "geometry_msgs/msg/Pose"), array("covariance", kDouble, 36)}},
      {"vision_msgs/msg/Point2D", {plain("x", kDouble), plain("y", kDouble)}},
      {"vision_msgs/msg/Pose2D", {nested("position", "vision_msgs/msg/Point2D"), plain("theta", kDouble)}},
      {"vision_msgs/msg/BoundingBox2D",
       {nested("center", "vision_msgs/msg/Pose2D"), plain("size_x", kDouble), plain("size_y", kDouble)}},
      {"vision_msgs/msg/ObjectHypothesis", {plain("class_id", kString), plain("score", kDouble)}},
      {"vision_msgs/msg/ObjectHypothesisWithPose",
       {nested("hypothesis", "vision_msgs/msg/ObjectHypothesis"), nested("pose", "geometry_msgs/msg/PoseWithCovariance")}},
      {"vision_msgs/msg/Detection2D",
       {nested("header", "std_msgs/msg/Header"),
        nested("results", "vision_msgs/msg/ObjectHypothesisWithPose", kUnboundedSequence),
        nested("bbox", "vision_msgs/msg/BoundingBox2D"), plain("id", kString)}},
      {"vision_msgs/msg/Detection2DArray",
       {nested("header", "std_msgs/msg/Header"), nested("detections", "vision_msgs/msg/Detection2D", kUnboundedSequence)}},
      {"vision_msgs/msg/Classification",
       {nested("header", "std_msgs/msg/Header"), nested("results", "vision_msgs/msg/ObjectHypothesis", kUnboundedSequence)}},
      {"vision_msgs/msg/VisionClass", {plain("class_id", kUint16), plain("class_name", kString)}},
      {"vision_msgs/msg/LabelInfo",
       {nested("header", "std_msgs/msg/Header"), nested("class_map", "vision_msgs/msg/VisionClass", kUnboundedSequence),
        plain("threshold", kFloat)}},
      // .msg "char" is uint8 in rosidl's IDL.
      {"rmw_dds_common/msg/Gid", {array("data", kUint8, 16)}},
      {"rmw_dds_common/msg/NodeEntitiesInfo",
       {{"node_namespace", kBoundedString, 0, 256, {}}, {"node_name", kBoundedString, 0, 256, {}},
        nested("reader_gid_seq", "rmw_dds_common/msg/Gid", kUnboundedSequence),
        nested("writer_gid_seq", "rmw_dds_common/msg/Gid", kUnboundedSequence)}},
      {"rmw_dds_common/msg/ParticipantEntitiesInfo",
       {nested("gid", "rmw_dds_common/msg/Gid"),
        nested("node_entities_info_seq", "rmw_dds_common/msg/NodeEntitiesInfo", kUnboundedSequence)}},
  };
  return table;
}

void append_description(std::string& out, const TypeDescription& t) {
  out += fmt::format(R"({{"type_name": "{}", "fields": [)", t.type_name);
  for (size_t i = 0; i < t.fields.size(); ++i) {
    const FieldDescription& f = t.fields[i];
    out += fmt::format(
        R"({}{{"name": "{}", "type": {{"type_id": {}, "capacity": {}, "string_capacity": {}, "nested_type_name": "{}"}}}})",
        i == 0 ? "" : ", ", f.name, f.type_id, f.capacity, f.string_capacity, f.nested_type_name);
  }
  out += "]}";
}

// Every type `t` refers to, directly or through nested types, by name.
Status collect_references(const TypeDescription& t, std::set<std::string_view>& names) {
  for (const FieldDescription& f : t.fields) {
    if (f.nested_type_name.empty() || names.count(f.nested_type_name)) continue;
    const TypeDescription* n = find_type_description(f.nested_type_name);
    if (n == nullptr)
      return not_found("type '{}' (field '{}' of {}) has no description", f.nested_type_name, f.name, t.type_name);
    names.insert(n->type_name);
    FOVEA_RETURN_IF_ERROR(collect_references(*n, names));
  }
  return Status::ok();
}

}  // namespace

const TypeDescription* find_type_description(std::string_view ros_type) {
  for (const TypeDescription& t : type_table())
    if (t.type_name == ros_type) return &t;
  return nullptr;
}

Result<std::string> type_description_json(std::string_view ros_type) {
  const TypeDescription* t = find_type_description(ros_type);
  if (t == nullptr) return not_found("no type description for '{}'", ros_type);
  std::set<std::string_view> refs;  // sorted by name, as rosidl sorts them
  FOVEA_RETURN_IF_ERROR(collect_references(*t, refs));
  std::string out = R"({"type_description": )";
  append_description(out, *t);
  out += R"(, "referenced_type_descriptions": [)";
  bool first = true;
  for (std::string_view name : refs) {
    if (!first) out += ", ";
    first = false;
    append_description(out, *find_type_description(name));
  }
  out += "]}";
  return out;
}

Result<std::string> type_hash(std::string_view ros_type) {
  FOVEA_ASSIGN_OR_RETURN(std::string json, type_description_json(ros_type));
  return "RIHS01_" + sha256_hex(json);
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

}  // namespace fovea::io::ros2
