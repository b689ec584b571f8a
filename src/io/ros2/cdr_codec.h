// A ROS 2 message as bytes: the serialized form rmw hands to rosbag2 and puts in RTPS DATA
// submessages: a 4-byte encapsulation header (00 01 00 00: plain CDR, little-endian) and the
// XCDR1 body. Encoding and decoding use Cyclone's own CDR stream code with the idlc marshalling
// ops, so this is byte for byte what the transport sends and accepts; decoding first validates
// the bytes exactly as Cyclone does for a sample from the network (dds_stream_normalize: lengths
// inside the buffer, bounded strings, NUL terminators, booleans), so malformed input is an error,
// never a crash or an over-read. For tests, fuzzing, and recording to or replaying from bags.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"
#include "io/ros2/message_type_support.h"

namespace fovea::io::ros2 {

// Largest serialized message accepted or produced (CDR lengths are 32-bit).
inline constexpr size_t kMaxSerializedBytes = size_t{1} << 31;

// `msg` points to the C++ message of `type`.
Result<std::vector<uint8_t>> serialize_message(const MessageType& type, const void* msg);
// Decodes `bytes` (with the encapsulation header; little- or big-endian CDR) into *msg. Errors
// name the type and what is wrong (short header, XCDR2, malformed body).
Status deserialize_message(const MessageType& type, std::span<const uint8_t> bytes, void* msg);

template <typename Msg>
Result<std::vector<uint8_t>> serialize(const Msg& msg) {
  return serialize_message(message_type<Msg>(), &msg);
}

template <typename Msg>
Result<Msg> deserialize(std::span<const uint8_t> bytes) {
  Msg msg;
  FOVEA_RETURN_IF_ERROR(deserialize_message(message_type<Msg>(), bytes, &msg));
  return msg;
}

}  // namespace fovea::io::ros2
