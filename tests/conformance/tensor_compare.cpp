#include "tensor_compare.h"

#include <bit>
#include <cmath>
#include <cstring>

namespace fovea::conformance {
namespace {

// Element i of a float tensor as double.
double float_at(const Tensor& t, int64_t i) {
  switch (t.dtype()) {
    case DType::kFloat32: return t.data<float>()[i];
    case DType::kFloat64: return t.data<double>()[i];
    case DType::kFloat16: return half_to_float(t.data<Half>()[i]);
    case DType::kBFloat16: {
      const uint32_t bits = static_cast<uint32_t>(t.data<uint16_t>()[i]) << 16;
      return std::bit_cast<float>(bits);
    }
    default: return 0.0;
  }
}

std::string multi_index(const Dims& dims, int64_t flat) {
  if (dims.empty()) return "[]";
  Dims idx(dims.size());
  for (size_t d = dims.size(); d-- > 0;) {
    idx[d] = dims[d] ? flat % dims[d] : 0;
    flat = dims[d] ? flat / dims[d] : 0;
  }
  return dims_to_string(idx);
}

std::string value_text(const Tensor& t, int64_t i) {
  if (dtype_is_float(t.dtype())) return fmt::format("{:.9g}", float_at(t, i));
  if (t.dtype() == DType::kUInt64) return fmt::format("{}", t.data<uint64_t>()[i]);
  return fmt::format("{}", t.int_at(i));
}

}  // namespace

std::string compare_tensors(const Tensor& actual, const Tensor& expected, const Tolerance& tol) {
  if (!actual.defined()) return "output was not produced";
  if (actual.dtype() != expected.dtype())
    return fmt::format("dtype {} but expected {}", dtype_name(actual.dtype()), dtype_name(expected.dtype()));
  if (actual.dims() != expected.dims())
    return fmt::format("shape {} but expected {}", dims_to_string(actual.dims()), dims_to_string(expected.dims()));

  const bool is_float = dtype_is_float(expected.dtype());
  const size_t esize = dtype_size(expected.dtype());
  int64_t first = -1, mismatches = 0;
  double max_diff = 0;
  for (int64_t i = 0; i < expected.numel(); ++i) {
    bool ok;
    if (is_float) {
      const double a = float_at(actual, i), e = float_at(expected, i);
      if (std::isnan(e) || std::isnan(a)) ok = std::isnan(e) && std::isnan(a);
      else if (std::isinf(e) || std::isinf(a)) ok = a == e;
      else {
        const double diff = std::fabs(a - e);
        ok = diff <= tol.atol + tol.rtol * std::fabs(e);
        if (!ok) max_diff = std::max(max_diff, diff);
      }
    } else {
      // Exact: compare the element bytes (bool normalized to 0/1 first).
      if (expected.dtype() == DType::kBool) ok = (actual.data<uint8_t>()[i] != 0) == (expected.data<uint8_t>()[i] != 0);
      else ok = std::memcmp(static_cast<const std::byte*>(actual.raw_data()) + i * esize,
                            static_cast<const std::byte*>(expected.raw_data()) + i * esize, esize) == 0;
    }
    if (!ok) {
      if (first < 0) first = i;
      ++mismatches;
    }
  }
  if (first < 0) return {};
  std::string msg = fmt::format("index {} (flat {}): got {}, expected {}; {} of {} elements differ",
                                multi_index(expected.dims(), first), first, value_text(actual, first),
                                value_text(expected, first), mismatches, expected.numel());
  if (is_float && max_diff > 0) msg += fmt::format(", max abs diff {:.3g}", max_diff);
  return msg;
}

}  // namespace fovea::conformance
