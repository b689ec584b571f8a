#include "io/ros2/ros_names.h"

#include <cctype>

namespace fovea::io::ros2 {
namespace {

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// Checks "/tok/tok/..." (absolute, no trailing slash unless the whole name is "/").
Status validate_absolute(std::string_view name, std::string_view what) {
  if (name.empty()) return invalid_argument("{} is empty", what);
  if (name.size() > 255) return invalid_argument("{} '{}' is longer than 255 characters", what, name);
  if (name.front() != '/') return invalid_argument("{} '{}' must start with '/'", what, name);
  if (name == "/") return Status::ok();
  if (name.back() == '/') return invalid_argument("{} '{}' must not end with '/'", what, name);
  size_t token_start = 1;
  for (size_t i = 1; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '/') {
      if (i == token_start) return invalid_argument("{} '{}' contains '//'", what, name);
      if (std::isdigit(static_cast<unsigned char>(name[token_start])))
        return invalid_argument("{} '{}': a token must not start with a digit", what, name);
      token_start = i + 1;
      continue;
    }
    if (name[i] == '~' || name[i] == '{' || name[i] == '}')
      return unsupported("{} '{}': '~' and '{{}}' substitutions are not supported; give the full name", what,
                         name);
    if (!is_name_char(name[i]))
      return invalid_argument("{} '{}' contains '{}' (allowed: letters, digits, '_', '/')", what, name, name[i]);
  }
  return Status::ok();
}

}  // namespace

Status validate_node_name(std::string_view name) {
  if (name.empty()) return invalid_argument("node name is empty");
  if (name.size() > 255) return invalid_argument("node name '{}' is longer than 255 characters", name);
  if (std::isdigit(static_cast<unsigned char>(name.front())))
    return invalid_argument("node name '{}' must not start with a digit", name);
  for (char c : name)
    if (!is_name_char(c))
      return invalid_argument("node name '{}' contains '{}' (allowed: letters, digits, '_')", name, c);
  return Status::ok();
}

Status validate_namespace(std::string_view node_namespace) {
  return validate_absolute(node_namespace, "node namespace");
}

Result<std::string> resolve_topic_name(std::string_view name, std::string_view node_namespace) {
  FOVEA_RETURN_IF_ERROR(validate_namespace(node_namespace));
  if (name.empty()) return invalid_argument("topic name is empty");
  std::string full;
  if (name.front() == '/') {
    full = std::string(name);
  } else {
    full = std::string(node_namespace);
    if (full != "/") full += '/';
    full += name;
  }
  if (full == "/") return invalid_argument("topic name '{}' names no topic", name);
  FOVEA_RETURN_IF_ERROR(validate_absolute(full, "topic name"));
  return full;
}

Result<std::string> dds_topic_name(std::string_view ros_topic, std::string_view node_namespace) {
  FOVEA_ASSIGN_OR_RETURN(std::string full, resolve_topic_name(ros_topic, node_namespace));
  return std::string(kTopicPrefix) + full;
}

Result<std::string> ros_topic_name(std::string_view dds_topic) {
  if (dds_topic.size() < 4 || dds_topic.substr(0, 3) != "rt/")
    return invalid_argument("DDS topic '{}' is not a ROS 2 topic (no 'rt/' prefix)", dds_topic);
  return std::string(dds_topic.substr(2));
}

Result<std::string> dds_type_name(std::string_view ros_type) {
  // pkg/kind/Type with kind msg, srv or action; each part a name.
  const size_t a = ros_type.find('/');
  const size_t b = a == std::string_view::npos ? a : ros_type.find('/', a + 1);
  if (b == std::string_view::npos || ros_type.find('/', b + 1) != std::string_view::npos)
    return invalid_argument("message type '{}' is not of the form package/msg/Type", ros_type);
  const std::string_view pkg = ros_type.substr(0, a), kind = ros_type.substr(a + 1, b - a - 1),
                         type = ros_type.substr(b + 1);
  if (pkg.empty() || type.empty() || (kind != "msg" && kind != "srv" && kind != "action"))
    return invalid_argument("message type '{}' is not of the form package/msg/Type", ros_type);
  for (std::string_view part : {pkg, type})
    for (char c : part)
      if (!is_name_char(c)) return invalid_argument("message type '{}' contains '{}'", ros_type, c);
  return fmt::format("{}::{}::dds_::{}_", pkg, kind, type);
}

Result<std::string> ros_type_name(std::string_view dds_type) {
  const size_t a = dds_type.find("::");
  const size_t b = a == std::string_view::npos ? a : dds_type.find("::", a + 2);
  constexpr std::string_view kDds = "::dds_::";
  if (b == std::string_view::npos || dds_type.substr(b, kDds.size()) != kDds || dds_type.size() < b + kDds.size() + 2 ||
      dds_type.back() != '_')
    return invalid_argument("DDS type '{}' is not a ROS 2 type (pkg::msg::dds_::Type_)", dds_type);
  const std::string_view pkg = dds_type.substr(0, a), kind = dds_type.substr(a + 2, b - a - 2);
  const std::string_view type = dds_type.substr(b + kDds.size(), dds_type.size() - b - kDds.size() - 1);
  return fmt::format("{}/{}/{}", pkg, kind, type);
}

std::string camera_info_topic_for(std::string_view image_topic) {
  std::string t(image_topic);
  constexpr std::string_view kCompressed = "/compressed";
  if (t.size() > kCompressed.size() && t.ends_with(kCompressed)) t.resize(t.size() - kCompressed.size());
  const size_t slash = t.rfind('/');
  return slash == std::string::npos ? std::string("camera_info") : t.substr(0, slash + 1) + "camera_info";
}

}  // namespace fovea::io::ros2
