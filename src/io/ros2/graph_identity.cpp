#include "io/ros2/graph_identity.h"

#include <cstdlib>

namespace fovea::io::ros2 {

Result<Distro> parse_distro(std::string_view name) {
  if (name == "humble") return Distro::kHumble;
  if (name == "jazzy" || name == "iron" || name == "kilted" || name == "rolling") return Distro::kJazzy;
  return invalid_argument("ROS distro '{}' is not supported (humble or jazzy; iron, kilted and rolling use "
                          "jazzy's layout)",
                          name);
}

std::string_view distro_name(Distro distro) { return distro == Distro::kHumble ? "humble" : "jazzy"; }

Distro default_distro() {
  const char* env = std::getenv("ROS_DISTRO");
  if (env != nullptr) {
    Result<Distro> d = parse_distro(env);
    if (d.is_ok()) return *d;
  }
  return Distro::kJazzy;
}

size_t gid_wire_size(Distro distro) { return distro == Distro::kHumble ? 24 : 16; }

std::vector<uint8_t> gid_wire_bytes(const Guid& guid, Distro distro) {
  std::vector<uint8_t> bytes(gid_wire_size(distro), 0);
  std::copy(guid.begin(), guid.end(), bytes.begin());
  return bytes;
}

std::string format_guid(const Guid& guid) {
  std::string out;
  for (size_t i = 0; i < guid.size(); ++i) out += fmt::format("{}{:02x}", i == 0 ? "" : ".", guid[i]);
  return out;
}

std::string endpoint_user_data(std::string_view type_hash) { return fmt::format("typehash={};", type_hash); }

}  // namespace fovea::io::ros2
