#include "io/mcap/ros2_cdr_messages.h"

#include <bit>
#include <cstring>
#include <limits>

namespace fovea::io::mcap {
namespace {

constexpr size_t kEncapsulationSize = 4;

// Little-endian XCDR1 writer; offsets for alignment count from the end of the encapsulation header.
class CdrWriter {
 public:
  CdrWriter() : buf_{0x00, 0x01, 0x00, 0x00} {}  // CDR_LE, options 0

  void u8(uint8_t v) { buf_.push_back(v); }
  void u32(uint32_t v) { put(v, 4); }
  void i32(int32_t v) { put(static_cast<uint32_t>(v), 4); }
  void f64(double v) { put(std::bit_cast<uint64_t>(v), 8); }
  void string(const std::string& s, const char* field) {
    length(s.size() + 1, field);
    buf_.insert(buf_.end(), s.begin(), s.end());
    buf_.push_back(0);
  }
  void bytes(const std::vector<uint8_t>& b, const char* field) {
    length(b.size(), field);
    buf_.insert(buf_.end(), b.begin(), b.end());
  }
  // A sequence or string length; remembers the first one that does not fit 32 bits.
  void length(size_t n, const char* field) {
    if (n > std::numeric_limits<uint32_t>::max() && error_.is_ok())
      error_ = out_of_range("{}: {} elements do not fit a CDR length", field, n);
    u32(static_cast<uint32_t>(n));
  }
  Result<std::vector<uint8_t>> finish() {
    if (!error_.is_ok()) return error_;
    return std::move(buf_);
  }

 private:
  void put(uint64_t v, size_t n) {
    while ((buf_.size() - kEncapsulationSize) % n != 0) buf_.push_back(0);
    for (size_t i = 0; i < n; ++i) buf_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  std::vector<uint8_t> buf_;
  Status error_;
};

// Reads XCDR1, either byte order. The first failure is kept with the field it
// happened in; later reads return zeros, so a decoder checks once at the end.
class CdrReader {
 public:
  CdrReader(std::span<const uint8_t> bytes, const char* type) : bytes_(bytes), type_(type) {
    if (bytes.size() < kEncapsulationSize) {
      fail("encapsulation", fmt::format("{} bytes, the 4-byte encapsulation header alone needs 4", bytes.size()));
      return;
    }
    const uint16_t id = static_cast<uint16_t>((bytes[0] << 8) | bytes[1]);  // big-endian, as RTPS
    switch (id) {
      case 0x0000: little_ = false; break;  // CDR_BE
      case 0x0001: little_ = true; break;   // CDR_LE
      default:
        // XCDR2 (0x0006..), parameter lists (0x0002, 0x0003): rmw never produces them for ROS types.
        error_ = unsupported("{}.encapsulation: representation 0x{:04x} is not plain XCDR1 (00 00 or 00 01)", type_, id);
        return;
    }
    pos_ = kEncapsulationSize;
  }

  uint8_t u8(const char* field) {
    const uint8_t* p = take(1, 1, field);
    return p ? *p : 0;
  }
  uint32_t u32(const char* field) { return static_cast<uint32_t>(load(4, field)); }
  int32_t i32(const char* field) { return static_cast<int32_t>(static_cast<uint32_t>(load(4, field))); }
  double f64(const char* field) { return std::bit_cast<double>(load(8, field)); }

  std::string string(const char* field) {
    const uint32_t n = u32(field);
    if (n == 0) return {};  // not valid CDR (the NUL is missing), but harmless: read as empty
    const uint8_t* p = take(n, 1, field);
    if (!p) return {};
    if (p[n - 1] != 0) {
      fail(field, "string is not NUL-terminated");
      return {};
    }
    return std::string(reinterpret_cast<const char*>(p), n - 1);
  }
  std::vector<uint8_t> bytes(const char* field) {
    const uint32_t n = u32(field);
    const uint8_t* p = take(n, 1, field);
    return p ? std::vector<uint8_t>(p, p + n) : std::vector<uint8_t>();
  }
  // A sequence count, checked against the bytes left: each element takes at least `min_bytes`.
  uint32_t count(const char* field, size_t min_bytes) {
    const uint32_t n = u32(field);
    if (ok() && static_cast<uint64_t>(n) * min_bytes > bytes_.size() - pos_) {
      fail(field, fmt::format("{} elements claimed, only {} bytes left", n, bytes_.size() - pos_));
      return 0;
    }
    return n;
  }

  bool ok() const { return error_.is_ok(); }
  Status status() const { return error_; }

 private:
  uint64_t load(size_t n, const char* field) {
    const uint8_t* p = take(n, n, field);
    if (!p) return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[little_ ? i : n - 1 - i]) << (8 * i);
    return v;
  }
  const uint8_t* take(uint64_t n, size_t align, const char* field) {
    if (!ok()) return nullptr;
    size_t at = pos_;
    while ((at - kEncapsulationSize) % align != 0) ++at;
    if (at > bytes_.size() || n > bytes_.size() - at) {
      fail(field, fmt::format("needs {} bytes at offset {}, the message has {}", n, at, bytes_.size()));
      return nullptr;
    }
    pos_ = at + static_cast<size_t>(n);
    return bytes_.data() + at;
  }
  void fail(const char* field, const std::string& why) {
    if (error_.is_ok()) error_ = invalid_argument("{}.{}: {}", type_, field, why);
  }

  std::span<const uint8_t> bytes_;
  const char* type_;
  size_t pos_ = 0;
  bool little_ = true;
  Status error_;
};

void write_header(CdrWriter& w, const msg::Header& h) {
  w.i32(h.stamp.sec);
  w.u32(h.stamp.nanosec);
  w.string(h.frame_id, "header.frame_id");
}

msg::Header read_header(CdrReader& r) {
  msg::Header h;
  h.stamp.sec = r.i32("header.stamp.sec");
  h.stamp.nanosec = r.u32("header.stamp.nanosec");
  h.frame_id = r.string("header.frame_id");
  return h;
}

template <typename T>
Result<T> finish(const CdrReader& r, T value) {
  if (!r.ok()) return r.status();
  return value;
}

// Smallest encodings, for checking sequence counts: a header is 4 + 4 + 4 (empty-ish string) bytes;
// a Detection2D at least header + results count + bbox (5 doubles) + id length.
constexpr size_t kMinHeaderBytes = 12;
constexpr size_t kMinObjectHypothesisWithPoseBytes = 4 + 8 + 7 * 8 + 36 * 8;
constexpr size_t kMinDetection2DBytes = kMinHeaderBytes + 4 + 5 * 8 + 4;

}  // namespace

msg::Time time_from_ns(int64_t ns) {
  int64_t sec = ns / 1000000000;
  int64_t rem = ns % 1000000000;
  if (rem < 0) {
    rem += 1000000000;
    sec -= 1;
  }
  return msg::Time{static_cast<int32_t>(sec), static_cast<uint32_t>(rem)};
}

int64_t time_to_ns(const msg::Time& t) { return static_cast<int64_t>(t.sec) * 1000000000 + t.nanosec; }

Result<std::vector<uint8_t>> serialize_cdr(const msg::Image& m) {
  CdrWriter w;
  write_header(w, m.header);
  w.u32(m.height);
  w.u32(m.width);
  w.string(m.encoding, "encoding");
  w.u8(m.is_bigendian);
  w.u32(m.step);
  w.bytes(m.data, "data");
  return w.finish();
}

Result<std::vector<uint8_t>> serialize_cdr(const msg::CompressedImage& m) {
  CdrWriter w;
  write_header(w, m.header);
  w.string(m.format, "format");
  w.bytes(m.data, "data");
  return w.finish();
}

Result<std::vector<uint8_t>> serialize_cdr(const msg::Detection2DArray& m) {
  CdrWriter w;
  write_header(w, m.header);
  w.length(m.detections.size(), "detections");
  for (const msg::Detection2D& d : m.detections) {
    write_header(w, d.header);
    w.length(d.results.size(), "detections[].results");
    for (const msg::ObjectHypothesisWithPose& r : d.results) {
      w.string(r.hypothesis.class_id, "detections[].results[].hypothesis.class_id");
      w.f64(r.hypothesis.score);
      const msg::Pose& p = r.pose.pose;
      for (double v : {p.position.x, p.position.y, p.position.z, p.orientation.x, p.orientation.y, p.orientation.z,
                       p.orientation.w})
        w.f64(v);
      for (double v : r.pose.covariance) w.f64(v);
    }
    for (double v : {d.bbox.center.position.x, d.bbox.center.position.y, d.bbox.center.theta, d.bbox.size_x, d.bbox.size_y})
      w.f64(v);
    w.string(d.id, "detections[].id");
  }
  return w.finish();
}

Result<msg::Image> deserialize_image(std::span<const uint8_t> bytes) {
  CdrReader r(bytes, "sensor_msgs/msg/Image");
  msg::Image m;
  m.header = read_header(r);
  m.height = r.u32("height");
  m.width = r.u32("width");
  m.encoding = r.string("encoding");
  m.is_bigendian = r.u8("is_bigendian");
  m.step = r.u32("step");
  m.data = r.bytes("data");
  return finish(r, std::move(m));
}

Result<msg::CompressedImage> deserialize_compressed_image(std::span<const uint8_t> bytes) {
  CdrReader r(bytes, "sensor_msgs/msg/CompressedImage");
  msg::CompressedImage m;
  m.header = read_header(r);
  m.format = r.string("format");
  m.data = r.bytes("data");
  return finish(r, std::move(m));
}

Result<msg::Detection2DArray> deserialize_detection2d_array(std::span<const uint8_t> bytes) {
  CdrReader r(bytes, "vision_msgs/msg/Detection2DArray");
  msg::Detection2DArray m;
  m.header = read_header(r);
  const uint32_t n = r.count("detections", kMinDetection2DBytes);
  m.detections.reserve(n);
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    msg::Detection2D& d = m.detections.emplace_back();
    d.header = read_header(r);
    const uint32_t k = r.count("detections[].results", kMinObjectHypothesisWithPoseBytes);
    d.results.reserve(k);
    for (uint32_t j = 0; j < k && r.ok(); ++j) {
      msg::ObjectHypothesisWithPose& h = d.results.emplace_back();
      h.hypothesis.class_id = r.string("detections[].results[].hypothesis.class_id");
      h.hypothesis.score = r.f64("detections[].results[].hypothesis.score");
      msg::Pose& p = h.pose.pose;
      for (double* v : {&p.position.x, &p.position.y, &p.position.z, &p.orientation.x, &p.orientation.y, &p.orientation.z,
                        &p.orientation.w})
        *v = r.f64("detections[].results[].pose.pose");
      for (double& v : h.pose.covariance) v = r.f64("detections[].results[].pose.covariance");
    }
    for (double* v : {&d.bbox.center.position.x, &d.bbox.center.position.y, &d.bbox.center.theta, &d.bbox.size_x, &d.bbox.size_y})
      *v = r.f64("detections[].bbox");
    d.id = r.string("detections[].id");
  }
  return finish(r, std::move(m));
}

}  // namespace fovea::io::mcap
