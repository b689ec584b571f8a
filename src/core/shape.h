// Shapes. `Dims` is a concrete shape (a tensor's); `Shape` is a graph value's shape, whose dims may
// be symbolic ("batch") or unknown. Size arithmetic is overflow-checked before any allocation.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace fovea {

using Dims = std::vector<int64_t>;

struct Dim {
  int64_t value = -1;   // >= 0 when known
  std::string symbol;   // set for a named symbolic dim; empty and value < 0 means unknown

  static Dim known(int64_t v) { return Dim{v, {}}; }
  static Dim symbolic(std::string name) { return Dim{-1, std::move(name)}; }
  static Dim unknown() { return Dim{}; }
  bool is_known() const { return value >= 0; }
  bool is_symbolic() const { return value < 0 && !symbol.empty(); }
  bool operator==(const Dim& o) const { return value == o.value && symbol == o.symbol; }
  std::string to_string() const;  // "640", "batch" or "?"
};

using Shape = std::vector<Dim>;

Shape shape_from_dims(std::span<const int64_t> dims);
bool shape_is_static(const Shape& s);
// Concrete dims of a fully known shape; an error naming `what` otherwise.
Result<Dims> dims_from_shape(const Shape& s, const std::string& what);
std::string shape_to_string(const Shape& s);              // "[batch,3,640,640]"
std::string dims_to_string(std::span<const int64_t> d);  // "[1,3,640,640]"

// Largest tensor fovea will allocate, in bytes. Default 8 GiB; FOVEA_MAX_TENSOR_BYTES overrides.
uint64_t max_tensor_bytes();
// Element count of `dims`, refusing negative dims, overflow and sizes over max_tensor_bytes()
// for elements of `element_size` bytes.
Result<int64_t> checked_element_count(std::span<const int64_t> dims, size_t element_size);
// Element count without checks, for dims already validated.
int64_t element_count(std::span<const int64_t> dims);

// Normalizes an ONNX axis in [-rank, rank) to [0, rank); error otherwise.
Result<int64_t> normalize_axis(int64_t axis, int64_t rank, const std::string& what);

}  // namespace fovea
