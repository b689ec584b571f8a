#include "tensor_stats.h"

#include <cmath>
#include <cstring>
#include <limits>

#include <fmt/format.h>

namespace fovea::cli {

double element_as_double(const Tensor& t, int64_t i) {
  switch (t.dtype()) {
    case DType::kFloat16: return half_to_float(t.data<Half>()[i]);
    case DType::kBFloat16: {
      const uint32_t bits = static_cast<uint32_t>(t.data<uint16_t>()[i]) << 16;
      float f;
      std::memcpy(&f, &bits, 4);
      return f;
    }
    case DType::kBool: return t.data<bool>()[i] ? 1.0 : 0.0;
    default: break;
  }
  FOVEA_SWITCH_NUMERIC(t.dtype(), T, { return static_cast<double>(t.data<T>()[i]); });
  return std::numeric_limits<double>::quiet_NaN();
}

TensorStats compute_stats(const Tensor& t) {
  TensorStats s;
  double sum = 0;
  int64_t n = 0;
  for (int64_t i = 0; i < t.numel(); ++i) {
    const double v = element_as_double(t, i);
    if (std::isnan(v)) {
      ++s.nan_count;
      continue;
    }
    if (n == 0 || v < s.min) s.min = v;
    if (n == 0 || v > s.max) s.max = v;
    sum += v;
    ++n;
  }
  s.mean = n ? sum / static_cast<double>(n) : 0;
  return s;
}

std::string first_values(const Tensor& t, int64_t count) {
  std::string out = "[";
  const int64_t n = std::min(count, t.numel());
  for (int64_t i = 0; i < n; ++i) out += (i ? ", " : "") + fmt::format("{:.6g}", element_as_double(t, i));
  if (t.numel() > n) out += ", ...";
  return out + "]";
}

}  // namespace fovea::cli
