// XCDR1 ("plain CDR", what rmw sends for ROS 2 types) as bytes: a writer that produces the
// encapsulation header 00 01 00 00 (CDR_LE, options 0) followed by the little-endian body, and a
// reader for untrusted bytes in either byte order. Alignment is counted from the end of the
// encapsulation header: each primitive to its own size, 8-byte ones to 8 (XCDR1).
//
// The reader checks as Cyclone DDS checks a sample from the network (dds_stream_normalize):
// every length against the bytes left, strings non-empty and NUL-terminated (and within their
// bound), booleans 0 or 1. The first failure is kept with the field it happened in (a path such
// as "detections[2].results[0].hypothesis.class_id"); reads after it return zeros, so a decoder
// checks once at the end. Needs no DDS library: bags are read and written without one.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace fovea::io::ros2::cdr {

inline constexpr size_t kEncapsulationBytes = 4;
// Largest serialized message accepted or produced (CDR lengths are 32-bit; rmw refuses more too).
inline constexpr size_t kMaxSerializedBytes = size_t{1} << 31;

class CdrWriter {
 public:
  CdrWriter() : buf_{0x00, 0x01, 0x00, 0x00} {}

  void u8(uint8_t v) { buf_.push_back(v); }
  void boolean(bool v) { buf_.push_back(v ? 1 : 0); }
  void u16(uint16_t v) { put(v, 2); }
  void u32(uint32_t v) { put(v, 4); }
  void i32(int32_t v) { put(static_cast<uint32_t>(v), 4); }
  void f32(float v);
  void f64(double v);
  // Up to the first NUL (what a C string holds, as the transport sends it); `bound` > 0: at most
  // that many characters (string<N>: longer ones are cut, as the transport's char[N+1] does).
  void string(const std::string& s, size_t bound = 0);
  // sequence<octet>: count, bytes.
  void octets(std::span<const uint8_t> bytes, std::string_view field);
  // octet[N]: the bytes, no count.
  void octet_array(std::span<const uint8_t> bytes) { buf_.insert(buf_.end(), bytes.begin(), bytes.end()); }
  // A sequence's element count; one over 32 bits is remembered as the error.
  void count(size_t n, std::string_view field);

  // The bytes, or the first error (a count over 32 bits, more than kMaxSerializedBytes).
  Result<std::vector<uint8_t>> finish(std::string_view type);

 private:
  void put(uint64_t v, size_t n);
  std::vector<uint8_t> buf_;
  Status error_;
};

class CdrReader {
 public:
  // Checks the encapsulation header: 00 00 (CDR_BE) or 00 01 (CDR_LE); the options bytes are
  // ignored (Cyclone records its trailing padding there). Anything else (XCDR2, parameter lists,
  // which rmw never sends) is an kUnsupported error.
  CdrReader(std::span<const uint8_t> bytes, std::string_view type);

  uint8_t u8(const char* field);
  bool boolean(const char* field);
  uint16_t u16(const char* field) { return static_cast<uint16_t>(load(2, field)); }
  uint32_t u32(const char* field) { return static_cast<uint32_t>(load(4, field)); }
  int32_t i32(const char* field) { return static_cast<int32_t>(static_cast<uint32_t>(load(4, field))); }
  float f32(const char* field);
  double f64(const char* field);
  // `bound` > 0: string<bound> (longer is an error). The value ends at the first NUL, as the C
  // string the transport hands over does.
  std::string string(const char* field, size_t bound = 0);
  std::vector<uint8_t> octets(const char* field);
  void octet_array(std::span<uint8_t> out, const char* field);
  // A sequence count, checked against the bytes left (each element takes at least
  // `min_element_bytes`) before anything is allocated for it; 0 after an error.
  uint32_t count(const char* field, size_t min_element_bytes);

  bool ok() const { return error_.is_ok(); }
  const Status& status() const { return error_; }

  // Names the struct or sequence element being read, for errors: while a Scope lives, failing
  // fields are reported under it ("detections[2]" + "bbox" + "size_x").
  class Scope {
   public:
    Scope(CdrReader& r, const char* name, int64_t index = -1) : r_(r) { r_.path_.push_back({name, index}); }
    ~Scope() { r_.path_.pop_back(); }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    CdrReader& r_;
  };

 private:
  struct PathPart {
    const char* name;
    int64_t index;
  };
  uint64_t load(size_t n, const char* field);
  // The next n bytes after aligning to `align`, or nullptr (and the error) when they are not there.
  const uint8_t* take(uint64_t n, size_t align, const char* field);
  void fail(const char* field, const std::string& why);

  std::span<const uint8_t> bytes_;
  std::string_view type_;
  size_t pos_ = 0;
  bool little_ = true;
  Status error_;
  std::vector<PathPart> path_;
};

}  // namespace fovea::io::ros2::cdr
