// Cyclone DDS's own CDR stream code over the idlc-generated types: the reference fovea's CDR
// codec (io/ros2/cdr/cdr_codec.h) is checked against, in the unit tests and the CDR fuzzer. This
// is what the transport does with a sample: dds_stream_write to send; dds_stream_normalize (the
// validation every sample from the network gets) and dds_stream_read to receive. Test-only: the
// product has one codec, and this is not it.
#pragma once
#ifdef FOVEA_HAVE_ROS2

#include <dds/ddsi/ddsi_cdrstream.h>

#include <bit>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "io/ros2/message_type_support.h"

namespace fovea::io::ros2::cyclone_reference {

// `msg` points to the C++ message of `type`; nullopt when Cyclone refuses to write it.
inline std::optional<std::vector<uint8_t>> serialize(const MessageType& type, const void* msg) {
  std::optional<std::vector<uint8_t>> out;
  type.with_dds_sample(msg, [&](const void* sample) {
    dds_ostreamLE_t os;
    dds_ostreamLE_init(&os, 0, 1 /* XCDR1 */);
    if (dds_stream_writeLE(&os, static_cast<const char*>(sample), type.descriptor->m_ops) != nullptr) {
      out = std::vector<uint8_t>{0x00, 0x01, 0x00, 0x00};
      out->insert(out->end(), os.x.m_buffer, os.x.m_buffer + os.x.m_index);
    }
    dds_ostreamLE_fini(&os);
  });
  return out;
}

// Decodes `bytes` (encapsulation header 00 00 or 00 01 + XCDR1) into *msg as a subscription
// would; false when Cyclone's validation refuses them.
inline bool deserialize(const MessageType& type, std::span<const uint8_t> bytes, void* msg) {
  if (bytes.size() < 4 || bytes[0] != 0x00 || bytes[1] > 0x01) return false;
  const bool swap = (bytes[1] == 0x01) != (std::endian::native == std::endian::little);
  const uint32_t size = static_cast<uint32_t>(bytes.size() - 4);
  // normalize swaps in place, so it works on a copy.
  std::unique_ptr<char[]> body(new char[size == 0 ? 1 : size]);
  std::memcpy(body.get(), bytes.data() + 4, size);
  uint32_t offset = 0;
  if (dds_stream_normalize_data(body.get(), &offset, size, swap, 1, type.descriptor->m_ops) == nullptr) return false;
  std::unique_ptr<char[]> sample(new char[type.descriptor->m_size]());
  dds_istream_t is;
  dds_istream_init(&is, size, body.get(), 1);
  dds_stream_read(&is, sample.get(), type.descriptor->m_ops);
  dds_istream_fini(&is);
  type.read_dds_sample(sample.get(), msg);
  dds_stream_free_sample(sample.get(), type.descriptor->m_ops);
  return true;
}

}  // namespace fovea::io::ros2::cyclone_reference

#endif  // FOVEA_HAVE_ROS2
