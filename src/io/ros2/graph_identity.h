// How a ROS 2 graph recognises fovea as a node (reference: ../shared/reference/ros2-wire.md §2-3):
// the participant's USER_DATA "enclave=/;", GIDs (the raw 16-byte DDS GUID; Humble stores them in
// 24 bytes, zero-padded, Iron and later in 16) and, from Iron on (Jazzy), "typehash=RIHS01_...;"
// in every endpoint's USER_DATA. The distro switch picks the layouts.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace fovea::io::ros2 {

// kHumble: 24-byte GIDs, no type hashes. kJazzy: 16-byte GIDs and RIHS01 type hashes (Iron,
// Jazzy, Kilted and Rolling share this layout).
enum class Distro { kHumble, kJazzy };

// "humble" or "jazzy"; also accepts "iron", "kilted" and "rolling" (the Jazzy layout).
Result<Distro> parse_distro(std::string_view name);
std::string_view distro_name(Distro distro);
// The distro of $ROS_DISTRO when it names one parse_distro knows, else Jazzy.
Distro default_distro();

// Bytes of an rmw_dds_common/Gid on the wire: 24 (Humble) or 16.
size_t gid_wire_size(Distro distro);

// A DDS GUID: 12-byte participant prefix + 4-byte entity id (dds_guid_t's bytes).
using Guid = std::array<uint8_t, 16>;

// The GID bytes a distro puts on the wire for `guid`: the 16 GUID bytes, then zeros up to
// gid_wire_size (rmw compares GIDs with memcmp over the whole storage, so the padding is zero).
std::vector<uint8_t> gid_wire_bytes(const Guid& guid, Distro distro);

// "01.0f.8a.3c.…" (dotted hex, as rmw prints GIDs) for logs and `fovea echo`.
std::string format_guid(const Guid& guid);

// Participant USER_DATA: rmw adds a participant to the ROS graph only when "enclave" is present.
inline constexpr std::string_view kParticipantUserData = "enclave=/;";

// Endpoint USER_DATA for a type hash ("RIHS01_<64 hex>"): "typehash=RIHS01_<hex>;".
std::string endpoint_user_data(std::string_view type_hash);

}  // namespace fovea::io::ros2
