#include "core/shape.h"

#include <cstdlib>
#include <limits>

namespace fovea {

std::string Dim::to_string() const {
  if (is_known()) return std::to_string(value);
  return symbol.empty() ? "?" : symbol;
}

Shape shape_from_dims(std::span<const int64_t> dims) {
  Shape s;
  s.reserve(dims.size());
  for (int64_t d : dims) s.push_back(Dim::known(d));
  return s;
}

bool shape_is_static(const Shape& s) {
  for (const Dim& d : s)
    if (!d.is_known()) return false;
  return true;
}

Result<Dims> dims_from_shape(const Shape& s, const std::string& what) {
  Dims d;
  d.reserve(s.size());
  for (const Dim& x : s) {
    if (!x.is_known()) return invalid_argument("{} has a dynamic shape {}", what, shape_to_string(s));
    d.push_back(x.value);
  }
  return d;
}

std::string shape_to_string(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) {
    if (i) out += ",";
    out += s[i].to_string();
  }
  return out + "]";
}

std::string dims_to_string(std::span<const int64_t> d) {
  std::string out = "[";
  for (size_t i = 0; i < d.size(); ++i) {
    if (i) out += ",";
    out += std::to_string(d[i]);
  }
  return out + "]";
}

uint64_t max_tensor_bytes() {
  static const uint64_t limit = [] {
    if (const char* env = std::getenv("FOVEA_MAX_TENSOR_BYTES")) {
      char* end = nullptr;
      unsigned long long v = std::strtoull(env, &end, 10);
      if (end && *end == '\0' && v > 0) return static_cast<uint64_t>(v);
    }
    return uint64_t{8} << 30;
  }();
  return limit;
}

Result<int64_t> checked_element_count(std::span<const int64_t> dims, size_t element_size) {
  uint64_t count = 1;
  const uint64_t limit_bytes = max_tensor_bytes();
  for (int64_t d : dims) {
    if (d < 0) return invalid_argument("negative dimension {} in shape {}", d, dims_to_string(dims));
    if (d == 0) return int64_t{0};
  }
  for (int64_t d : dims) {
    if (count > std::numeric_limits<uint64_t>::max() / static_cast<uint64_t>(d))
      return out_of_range("shape {} has too many elements", dims_to_string(dims));
    count *= static_cast<uint64_t>(d);
    // Divide rather than multiply: count * element_size could wrap.
    if (count > limit_bytes / std::max<size_t>(element_size, 1) || count > (uint64_t{1} << 62))
      return out_of_range("shape {} needs more than the {} byte tensor limit (FOVEA_MAX_TENSOR_BYTES)",
                          dims_to_string(dims), limit_bytes);
  }
  return static_cast<int64_t>(count);
}

int64_t element_count(std::span<const int64_t> dims) {
  // Saturates instead of overflowing (UB) when a caller passes dims it has not validated.
  int64_t n = 1;
  for (int64_t d : dims)
    if (__builtin_mul_overflow(n, d, &n)) return std::numeric_limits<int64_t>::max();
  return n;
}

Result<int64_t> normalize_axis(int64_t axis, int64_t rank, const std::string& what) {
  if (axis < -rank || axis >= rank)
    return invalid_argument("{}: axis {} is out of range for rank {}", what, axis, rank);
  return axis < 0 ? axis + rank : axis;
}

}  // namespace fovea
