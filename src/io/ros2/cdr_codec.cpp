#include "io/ros2/cdr_codec.h"

#include <dds/ddsi/ddsi_cdrstream.h>

#include <bit>
#include <cstring>
#include <memory>

namespace fovea::io::ros2 {
namespace {

constexpr uint32_t kXcdr1 = 1;  // CDR_ENC_VERSION_1
constexpr size_t kHeaderBytes = 4;

}  // namespace

Result<std::vector<uint8_t>> serialize_message(const MessageType& type, const void* msg) {
  std::vector<uint8_t> out;
  Status status;
  type.with_dds_sample(msg, [&](const void* sample) {
    dds_ostreamLE_t os;
    dds_ostreamLE_init(&os, 0, kXcdr1);
    const uint32_t* end = dds_stream_writeLE(&os, static_cast<const char*>(sample), type.descriptor->m_ops);
    if (end == nullptr) {
      // Cyclone refuses e.g. a bounded string over its bound.
      status = invalid_argument("{}: the message does not fit its type (bounded string too long?)", type.ros_name);
    } else {
      out.reserve(kHeaderBytes + os.x.m_index);
      out = {0x00, 0x01, 0x00, 0x00};  // CDR_LE, options 0 (as rmw writes them)
      out.insert(out.end(), os.x.m_buffer, os.x.m_buffer + os.x.m_index);
    }
    dds_ostreamLE_fini(&os);
  });
  if (!status.is_ok()) return status;
  if (out.size() > kMaxSerializedBytes) return out_of_range("{}: {} bytes serialized is too large", type.ros_name, out.size());
  return out;
}

Status deserialize_message(const MessageType& type, std::span<const uint8_t> bytes, void* msg) {
  if (bytes.size() < kHeaderBytes)
    return invalid_argument("{}: {} bytes is shorter than the 4-byte encapsulation header", type.ros_name,
                            bytes.size());
  if (bytes.size() > kMaxSerializedBytes)
    return out_of_range("{}: {} bytes is larger than {} bytes", type.ros_name, bytes.size(), kMaxSerializedBytes);
  if (bytes[0] != 0x00 || bytes[1] > 0x01)
    return unsupported("{}: encapsulation {:02x} {:02x} is not plain CDR (00 00 / 00 01; XCDR2 is not used by ROS 2)",
                       type.ros_name, bytes[0], bytes[1]);
  const bool little_endian = bytes[1] == 0x01;
  const bool swap = little_endian != (std::endian::native == std::endian::little);
  // normalize works in place (byte swaps), so on a copy; it also checks every length against
  // the buffer before anything is allocated from it.
  const uint32_t size = static_cast<uint32_t>(bytes.size() - kHeaderBytes);
  std::unique_ptr<char[]> body(new char[size == 0 ? 1 : size]);
  std::memcpy(body.get(), bytes.data() + kHeaderBytes, size);
  uint32_t offset = 0;
  if (dds_stream_normalize_data(body.get(), &offset, size, swap, kXcdr1, type.descriptor->m_ops) == nullptr)
    return invalid_argument("{}: malformed CDR ({} bytes: truncated, a length past the end, a string without "
                            "its NUL or over its bound, or a bad boolean)",
                            type.ros_name, bytes.size());
  // A zeroed C sample that dds_stream_read fills (allocating strings and sequences) and
  // dds_stream_free_sample releases.
  std::unique_ptr<char[]> sample(new char[type.descriptor->m_size]());
  dds_istream_t is;
  dds_istream_init(&is, size, body.get(), kXcdr1);
  dds_stream_read(&is, sample.get(), type.descriptor->m_ops);
  dds_istream_fini(&is);
  type.read_dds_sample(sample.get(), msg);
  dds_stream_free_sample(sample.get(), type.descriptor->m_ops);
  return Status::ok();
}

}  // namespace fovea::io::ros2
