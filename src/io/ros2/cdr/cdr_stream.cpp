#include "io/ros2/cdr/cdr_stream.h"

#include <bit>
#include <cstring>
#include <limits>

#include <fmt/format.h>

namespace fovea::io::ros2::cdr {

// ---- writer ----

void CdrWriter::put(uint64_t v, size_t n) {
  while ((buf_.size() - kEncapsulationBytes) % n != 0) buf_.push_back(0);
  for (size_t i = 0; i < n; ++i) buf_.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

void CdrWriter::f32(float v) { put(std::bit_cast<uint32_t>(v), 4); }
void CdrWriter::f64(double v) { put(std::bit_cast<uint64_t>(v), 8); }

void CdrWriter::string(const std::string& s, size_t bound) {
  size_t n = std::strlen(s.c_str());
  if (bound > 0 && n > bound) n = bound;
  count(n + 1, "string");
  buf_.insert(buf_.end(), s.data(), s.data() + n);
  buf_.push_back(0);
}

void CdrWriter::octets(std::span<const uint8_t> bytes, std::string_view field) {
  count(bytes.size(), field);
  buf_.insert(buf_.end(), bytes.begin(), bytes.end());
}

void CdrWriter::count(size_t n, std::string_view field) {
  if (n > std::numeric_limits<uint32_t>::max() && error_.is_ok())
    error_ = out_of_range("{}: {} elements do not fit a CDR length", field, n);
  u32(static_cast<uint32_t>(n));
}

Result<std::vector<uint8_t>> CdrWriter::finish(std::string_view type) {
  if (!error_.is_ok()) return error_.with_context(std::string(type));
  if (buf_.size() > kMaxSerializedBytes)
    return out_of_range("{}: {} bytes serialized is more than the {} a message may have", type, buf_.size(),
                        kMaxSerializedBytes);
  return std::move(buf_);
}

// ---- reader ----

CdrReader::CdrReader(std::span<const uint8_t> bytes, std::string_view type) : bytes_(bytes), type_(type) {
  if (bytes.size() < kEncapsulationBytes) {
    error_ = invalid_argument("{}.encapsulation: {} bytes is shorter than the 4-byte encapsulation header", type_,
                              bytes.size());
    return;
  }
  if (bytes.size() > kMaxSerializedBytes) {
    error_ = out_of_range("{}: {} bytes is more than the {} a message may have", type_, bytes.size(), kMaxSerializedBytes);
    return;
  }
  // The representation identifier is big-endian, as in RTPS: 00 00 CDR_BE, 00 01 CDR_LE.
  if (bytes[0] != 0x00 || bytes[1] > 0x01) {
    error_ = unsupported("{}.encapsulation: representation {:02x} {:02x} is not plain CDR (00 00 or 00 01; ROS 2 never "
                         "sends XCDR2 or parameter lists)",
                         type_, bytes[0], bytes[1]);
    return;
  }
  little_ = bytes[1] == 0x01;
  pos_ = kEncapsulationBytes;
}

void CdrReader::fail(const char* field, const std::string& why) {
  if (!error_.is_ok()) return;
  std::string where(type_);
  for (const PathPart& p : path_) {
    where += '.';
    where += p.name;
    if (p.index >= 0) where += fmt::format("[{}]", p.index);
  }
  error_ = invalid_argument("{}.{}: {}", where, field, why);
}

const uint8_t* CdrReader::take(uint64_t n, size_t align, const char* field) {
  if (!ok()) return nullptr;
  const size_t body = pos_ - kEncapsulationBytes;
  const size_t at = kEncapsulationBytes + (body + align - 1) / align * align;
  if (at > bytes_.size() || n > bytes_.size() - at) {
    fail(field, fmt::format("needs {} bytes at offset {}, the message has {}", n, at, bytes_.size()));
    return nullptr;
  }
  pos_ = at + static_cast<size_t>(n);
  return bytes_.data() + at;
}

uint64_t CdrReader::load(size_t n, const char* field) {
  const uint8_t* p = take(n, n, field);
  if (p == nullptr) return 0;
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[little_ ? i : n - 1 - i]) << (8 * i);
  return v;
}

uint8_t CdrReader::u8(const char* field) {
  const uint8_t* p = take(1, 1, field);
  return p ? *p : 0;
}

bool CdrReader::boolean(const char* field) {
  const uint8_t v = u8(field);
  if (v > 1) fail(field, fmt::format("boolean is {}, not 0 or 1", v));
  return v == 1;
}

float CdrReader::f32(const char* field) { return std::bit_cast<float>(static_cast<uint32_t>(load(4, field))); }
double CdrReader::f64(const char* field) { return std::bit_cast<double>(load(8, field)); }

std::string CdrReader::string(const char* field, size_t bound) {
  const uint32_t n = u32(field);
  if (!ok()) return {};
  if (n == 0) {
    fail(field, "string length 0 (a CDR string carries at least its NUL)");
    return {};
  }
  if (bound > 0 && n > bound + 1) {
    fail(field, fmt::format("{} characters, more than its bound of {}", n - 1, bound));
    return {};
  }
  const uint8_t* p = take(n, 1, field);
  if (p == nullptr) return {};
  if (p[n - 1] != 0) {
    fail(field, "string is not NUL-terminated");
    return {};
  }
  const char* c = reinterpret_cast<const char*>(p);
  return std::string(c, ::strnlen(c, n - 1));
}

std::vector<uint8_t> CdrReader::octets(const char* field) {
  const uint32_t n = u32(field);
  const uint8_t* p = take(n, 1, field);
  return p ? std::vector<uint8_t>(p, p + n) : std::vector<uint8_t>();
}

void CdrReader::octet_array(std::span<uint8_t> out, const char* field) {
  const uint8_t* p = take(out.size(), 1, field);
  if (p != nullptr) std::memcpy(out.data(), p, out.size());
}

uint32_t CdrReader::count(const char* field, size_t min_element_bytes) {
  const uint32_t n = u32(field);
  if (!ok()) return 0;
  const size_t left = bytes_.size() - pos_;
  if (static_cast<uint64_t>(n) * min_element_bytes > left) {
    fail(field, fmt::format("{} elements claimed, only {} bytes left", n, left));
    return 0;
  }
  return n;
}

}  // namespace fovea::io::ros2::cdr
