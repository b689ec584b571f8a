// REP-2011 type hashes ("RIHS01_" + SHA-256), computed as rosidl_generator_type_description does:
// the JSON of the type description (type name, fields with FieldType ids, capacities, nested
// type names; default values removed), the referenced types sorted by name, serialized with
// separators ", " and ": ". Jazzy puts the hash in every endpoint's USER_DATA; `ros2 topic info
// -v` shows it and rosbag2 records it. The descriptions are written out here for the types fovea
// speaks (messages.h), field for field from the .msg files.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace fovea::io::ros2 {

// type_description_interfaces/msg/FieldType ids.
namespace field_type {
inline constexpr int kNestedType = 1;
inline constexpr int kUint8 = 3;
inline constexpr int kUint16 = 5;
inline constexpr int kInt32 = 6;
inline constexpr int kUint32 = 7;
inline constexpr int kFloat = 10;
inline constexpr int kDouble = 11;
inline constexpr int kBoolean = 15;
inline constexpr int kString = 17;
inline constexpr int kBoundedString = 21;
// Added to the element's id: T[N], T[<=N], T[].
inline constexpr int kArray = 48;
inline constexpr int kBoundedSequence = 96;
inline constexpr int kUnboundedSequence = 144;
}  // namespace field_type

struct FieldDescription {
  std::string_view name;
  int type_id = 0;
  uint64_t capacity = 0;         // T[N] / T[<=N]
  uint64_t string_capacity = 0;  // string<=N
  std::string_view nested_type_name;  // "std_msgs/msg/Header" for nested types
};

struct TypeDescription {
  std::string_view type_name;  // "sensor_msgs/msg/Image"
  std::vector<FieldDescription> fields;
};

// The description of a type fovea knows ("sensor_msgs/msg/Image", ...); nullptr otherwise.
const TypeDescription* find_type_description(std::string_view ros_type);

// The exact text that is hashed: {"type_description": {...}, "referenced_type_descriptions": [...]}.
Result<std::string> type_description_json(std::string_view ros_type);

// "RIHS01_<64 lowercase hex>" for `ros_type`; errors name the type (unknown, or a nested type
// missing from the table).
Result<std::string> type_hash(std::string_view ros_type);

// SHA-256 of `bytes` as 64 lowercase hex digits (OpenSSL).
std::string sha256_hex(std::string_view bytes);

}  // namespace fovea::io::ros2
