#include "io/ros2/qos_profile.h"

#include <yaml-cpp/yaml.h>

#include <cmath>

namespace fovea::io::ros2 {

Result<QosProfile> qos_profile_by_name(std::string_view name) {
  QosProfile p;  // KEEP_LAST 10, RELIABLE, VOLATILE: rmw_qos_profile_default
  if (name == "default" || name == "services_default") return p;
  if (name == "sensor_data") {
    p.depth = 5;
    p.reliability = Reliability::kBestEffort;
    return p;
  }
  if (name == "parameters" || name == "parameter_events") {
    p.depth = 1000;
    return p;
  }
  if (name == "system_default") {
    p.history = History::kSystemDefault;
    p.depth = 0;
    p.reliability = Reliability::kSystemDefault;
    p.durability = Durability::kSystemDefault;
    return p;
  }
  return invalid_argument("QoS profile '{}' is unknown (sensor_data, default, services_default, parameters, "
                          "parameter_events, system_default)",
                          name);
}

QosProfile default_subscription_qos() { return *qos_profile_by_name("sensor_data"); }
QosProfile default_publisher_qos() { return *qos_profile_by_name("default"); }

Result<Reliability> parse_reliability(std::string_view name) {
  if (name == "reliable") return Reliability::kReliable;
  if (name == "best_effort") return Reliability::kBestEffort;
  if (name == "system_default") return Reliability::kSystemDefault;
  return invalid_argument("reliability '{}' is unknown (reliable, best_effort, system_default)", name);
}

Result<Durability> parse_durability(std::string_view name) {
  if (name == "volatile") return Durability::kVolatile;
  if (name == "transient_local") return Durability::kTransientLocal;
  if (name == "system_default") return Durability::kSystemDefault;
  return invalid_argument("durability '{}' is unknown (volatile, transient_local, system_default)", name);
}

Result<History> parse_history(std::string_view name) {
  if (name == "keep_last") return History::kKeepLast;
  if (name == "keep_all") return History::kKeepAll;
  if (name == "system_default") return History::kSystemDefault;
  return invalid_argument("history '{}' is unknown (keep_last, keep_all, system_default)", name);
}

std::string_view reliability_name(Reliability r) {
  switch (r) {
    case Reliability::kReliable: return "reliable";
    case Reliability::kBestEffort: return "best_effort";
    case Reliability::kSystemDefault: break;
  }
  return "system_default";
}

std::string_view durability_name(Durability d) {
  switch (d) {
    case Durability::kVolatile: return "volatile";
    case Durability::kTransientLocal: return "transient_local";
    case Durability::kSystemDefault: break;
  }
  return "system_default";
}

std::string_view history_name(History h) {
  switch (h) {
    case History::kKeepLast: return "keep_last";
    case History::kKeepAll: return "keep_all";
    case History::kSystemDefault: break;
  }
  return "system_default";
}

std::string describe_qos(const QosProfile& qos) {
  std::string s = fmt::format("{}, {}, {}", reliability_name(qos.reliability), durability_name(qos.durability),
                              history_name(qos.history));
  if (qos.history != History::kKeepAll) s += fmt::format(" {}", qos.depth);
  if (qos.deadline_ms > 0) s += fmt::format(", deadline {} ms", qos.deadline_ms);
  return s;
}

Status validate_qos(const QosProfile& qos) {
  if (qos.depth < 0) return invalid_argument("qos.depth is {} (must be >= 0)", qos.depth);
  if (qos.history == History::kKeepLast && qos.depth == 0)
    return invalid_argument("qos.depth is 0 with keep_last history (must be >= 1)");
  if (qos.depth > 100000) return out_of_range("qos.depth {} is larger than 100000", qos.depth);
  if (!std::isfinite(qos.deadline_ms) || qos.deadline_ms < 0)
    return invalid_argument("qos.deadline_ms is {} (must be >= 0; 0 = none)", qos.deadline_ms);
  return Status::ok();
}

Result<QosProfile> apply_qos_overrides(const QosOverrides& o, const QosProfile& defaults) {
  QosProfile q = defaults;
  if (!o.profile.empty()) {
    FOVEA_ASSIGN_OR_RETURN(q, qos_profile_by_name(o.profile));
  }
  if (!o.reliability.empty()) {
    FOVEA_ASSIGN_OR_RETURN(q.reliability, parse_reliability(o.reliability));
  }
  if (!o.durability.empty()) {
    FOVEA_ASSIGN_OR_RETURN(q.durability, parse_durability(o.durability));
  }
  if (!o.history.empty()) {
    FOVEA_ASSIGN_OR_RETURN(q.history, parse_history(o.history));
  }
  if (o.depth >= 0) q.depth = o.depth;
  if (o.deadline_ms >= 0) q.deadline_ms = o.deadline_ms;
  FOVEA_RETURN_IF_ERROR(validate_qos(q));
  return q;
}

Result<QosProfile> qos_from_yaml(const YAML::Node& node, const QosProfile& defaults) {
  QosProfile q = defaults;
  if (!node || node.IsNull()) return q;
  if (!node.IsMap()) return invalid_argument("qos must be a map (profile, reliability, durability, history, depth, "
                                             "deadline_ms)");
  try {
    if (node["profile"]) {
      FOVEA_ASSIGN_OR_RETURN(q, qos_profile_by_name(node["profile"].as<std::string>()));
    }
    for (const auto& kv : node) {
      const std::string key = kv.first.as<std::string>();
      const YAML::Node& v = kv.second;
      if (key == "profile") continue;
      if (key == "reliability") {
        FOVEA_ASSIGN_OR_RETURN(q.reliability, parse_reliability(v.as<std::string>()));
      } else if (key == "durability") {
        FOVEA_ASSIGN_OR_RETURN(q.durability, parse_durability(v.as<std::string>()));
      } else if (key == "history") {
        FOVEA_ASSIGN_OR_RETURN(q.history, parse_history(v.as<std::string>()));
      } else if (key == "depth") {
        q.depth = v.as<int>();
      } else if (key == "deadline_ms") {
        q.deadline_ms = v.as<double>();
      } else {
        return invalid_argument("qos.{} is not a QoS setting (profile, reliability, durability, history, depth, "
                                "deadline_ms)",
                                key);
      }
    }
  } catch (const YAML::Exception& e) {
    return invalid_argument("qos: {}", e.what());
  }
  FOVEA_RETURN_IF_ERROR(validate_qos(q));
  return q;
}

dds_qos_t* make_dds_qos(const QosProfile& qos, EndpointKind kind, std::string_view user_data) {
  dds_qos_t* q = dds_create_qos();
  // History: SYSTEM_DEFAULT with depth 0 becomes KEEP_LAST 1 (rmw_cyclonedds).
  if (qos.history == History::kKeepAll) {
    dds_qset_history(q, DDS_HISTORY_KEEP_ALL, DDS_LENGTH_UNLIMITED);
  } else {
    dds_qset_history(q, DDS_HISTORY_KEEP_LAST, qos.depth > 0 ? qos.depth : 1);
  }
  switch (qos.reliability) {
    case Reliability::kReliable: dds_qset_reliability(q, DDS_RELIABILITY_RELIABLE, DDS_INFINITY); break;
    case Reliability::kBestEffort: dds_qset_reliability(q, DDS_RELIABILITY_BEST_EFFORT, 0); break;
    case Reliability::kSystemDefault: break;  // DDS default: readers best-effort, writers reliable
  }
  switch (qos.durability) {
    case Durability::kVolatile: dds_qset_durability(q, DDS_DURABILITY_VOLATILE); break;
    case Durability::kTransientLocal: {
      dds_qset_durability(q, DDS_DURABILITY_TRANSIENT_LOCAL);
      // As rmw_cyclonedds: the durability service keeps what the history keeps, no cleanup delay.
      const bool keep_all = qos.history == History::kKeepAll;
      dds_qset_durability_service(q, 0, keep_all ? DDS_HISTORY_KEEP_ALL : DDS_HISTORY_KEEP_LAST,
                                  keep_all ? DDS_LENGTH_UNLIMITED : std::max(qos.depth, 1), DDS_LENGTH_UNLIMITED,
                                  DDS_LENGTH_UNLIMITED, DDS_LENGTH_UNLIMITED);
      break;
    }
    case Durability::kSystemDefault: break;
  }
  if (qos.deadline_ms > 0) dds_qset_deadline(q, static_cast<dds_duration_t>(qos.deadline_ms * 1e6));
  // Liveliness automatic with infinite lease is the DDS default, as rmw sets it.
  dds_data_representation_id_t xcdr1 = DDS_DATA_REPRESENTATION_XCDR1;
  dds_qset_data_representation(q, 1, &xcdr1);
  if (kind == EndpointKind::kWriter) dds_qset_writer_data_lifecycle(q, false);  // no autodispose (rmw)
  if (!user_data.empty()) dds_qset_userdata(q, user_data.data(), user_data.size());
  return q;
}

}  // namespace fovea::io::ros2
