// ROS 2 QoS for fovea's topics: the rmw profiles (sensor_data, default, services_default,
// parameters, parameter_events, system_default) and explicit reliability, durability, history,
// depth and deadline, mapped to DDS QoS as rmw_cyclonedds maps them (reference §1).
//
// Matching is request-offered: a reader asking for more reliability or durability than a writer
// offers does not match it. So fovea subscribes best-effort + volatile by default (matches every
// publisher) and publishes reliable + volatile (matches every subscriber that does not ask for
// transient-local; publish transient-local when one does, e.g. for LabelInfo).
#pragma once

#include <string>
#include <string_view>

#include <dds/dds.h>

#include "core/status.h"

namespace YAML {
class Node;
}

namespace fovea::io::ros2 {

enum class Reliability { kSystemDefault, kReliable, kBestEffort };
enum class Durability { kSystemDefault, kVolatile, kTransientLocal };
enum class History { kSystemDefault, kKeepLast, kKeepAll };

struct QosProfile {
  History history = History::kKeepLast;
  int depth = 10;  // KEEP_LAST depth; 0 with SYSTEM_DEFAULT history means "1", as rmw_cyclonedds
  Reliability reliability = Reliability::kReliable;
  Durability durability = Durability::kVolatile;
  double deadline_ms = 0;  // 0: unspecified (infinite)
};

// The rmw profiles by name: "sensor_data", "default", "services_default", "parameters",
// "parameter_events", "system_default".
Result<QosProfile> qos_profile_by_name(std::string_view name);

// fovea's defaults: subscriptions best-effort, volatile, keep-last 5 (sensor_data);
// publishers reliable, volatile, keep-last 10 (default).
QosProfile default_subscription_qos();
QosProfile default_publisher_qos();

// "reliable" / "best_effort" / "system_default", and likewise for durability ("volatile",
// "transient_local") and history ("keep_last", "keep_all").
Result<Reliability> parse_reliability(std::string_view name);
Result<Durability> parse_durability(std::string_view name);
Result<History> parse_history(std::string_view name);
std::string_view reliability_name(Reliability r);
std::string_view durability_name(Durability d);
std::string_view history_name(History h);

// "reliable, volatile, keep_last 10" (deadline appended when set).
std::string describe_qos(const QosProfile& qos);

// Settings given by name (command-line flags): a profile, then explicit values over it. Empty
// strings and negative numbers leave the setting as the profile (or `defaults`) has it.
struct QosOverrides {
  std::string profile;
  std::string reliability;
  std::string durability;
  std::string history;
  int depth = -1;
  double deadline_ms = -1;
};
Result<QosProfile> apply_qos_overrides(const QosOverrides& overrides, const QosProfile& defaults);

// A QoS block of a config: {profile: NAME, reliability: ..., durability: ..., history: ...,
// depth: N, deadline_ms: X}, each key optional, applied over `defaults` (profile first, then the
// explicit keys). Unknown keys and bad values are errors naming the key.
Result<QosProfile> qos_from_yaml(const YAML::Node& node, const QosProfile& defaults);

// Checks depth >= 0 (>= 1 for KEEP_LAST unless SYSTEM_DEFAULT) and deadline >= 0.
Status validate_qos(const QosProfile& qos);

enum class EndpointKind { kReader, kWriter };

// A new dds_qos_t (free with dds_delete_qos) for a reader or writer with `qos`, XCDR1 data
// representation, and USER_DATA `user_data` when not empty (the Jazzy type hash).
dds_qos_t* make_dds_qos(const QosProfile& qos, EndpointKind kind, std::string_view user_data);

}  // namespace fovea::io::ros2
