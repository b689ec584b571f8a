// Cast between every storable dtype. Float -> integer truncates toward zero and saturates
// (NaN -> 0), which C++ would leave undefined; integer -> integer wraps as NumPy's astype;
// float16 and bfloat16 convert through float32 with round-to-nearest-even.
#include <cstring>
#include <type_traits>

#include "backends/cpu/broadcast_loop.h"
#include "backends/cpu/integer_arithmetic.h"
#include "backends/cpu/kernels.h"

namespace fovea::cpu {
namespace {

struct BFloat16 {
  uint16_t bits = 0;
};

float bfloat16_to_float(BFloat16 b) {
  const uint32_t bits = static_cast<uint32_t>(b.bits) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

BFloat16 float_to_bfloat16(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  if ((bits & 0x7fffffffu) > 0x7f800000u) return {static_cast<uint16_t>((bits >> 16) | 0x40u)};  // quiet NaN
  bits += 0x7fffu + ((bits >> 16) & 1u);
  return {static_cast<uint16_t>(bits >> 16)};
}

template <typename To, typename From>
To convert(From v) {
  if constexpr (std::is_same_v<From, Half>) {
    return convert<To>(half_to_float(v));
  } else if constexpr (std::is_same_v<From, BFloat16>) {
    return convert<To>(bfloat16_to_float(v));
  } else if constexpr (std::is_same_v<To, Half>) {
    return float_to_half(convert<float>(v));
  } else if constexpr (std::is_same_v<To, BFloat16>) {
    return float_to_bfloat16(convert<float>(v));
  } else if constexpr (std::is_same_v<To, bool>) {
    return v != From(0);
  } else if constexpr (std::is_integral_v<To> && std::is_floating_point_v<From>) {
    return saturating_from_double<To>(static_cast<double>(v));
  } else {
    return static_cast<To>(v);
  }
}

// Calls fn(T{}) with T the C++ type of `t`; false when the dtype is not castable.
template <typename Fn>
bool with_cast_type(DType t, Fn&& fn) {
  switch (t) {
    case DType::kFloat32: fn(float{}); return true;
    case DType::kFloat64: fn(double{}); return true;
    case DType::kFloat16: fn(Half{}); return true;
    case DType::kBFloat16: fn(BFloat16{}); return true;
    case DType::kInt8: fn(int8_t{}); return true;
    case DType::kInt16: fn(int16_t{}); return true;
    case DType::kInt32: fn(int32_t{}); return true;
    case DType::kInt64: fn(int64_t{}); return true;
    case DType::kUInt8: fn(uint8_t{}); return true;
    case DType::kUInt16: fn(uint16_t{}); return true;
    case DType::kUInt32: fn(uint32_t{}); return true;
    case DType::kUInt64: fn(uint64_t{}); return true;
    case DType::kBool: fn(bool{}); return true;
    default: return false;
  }
}

}  // namespace

Status run_cast(CpuKernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  Tensor& y = ctx.output(0);
  if (x.dtype() == y.dtype()) {
    y = x;  // no conversion: a view
    return Status::ok();
  }
  const int64_t n = x.numel();
  bool to_ok = false;
  const bool from_ok = with_cast_type(x.dtype(), [&](auto from) {
    using From = decltype(from);
    to_ok = with_cast_type(y.dtype(), [&](auto to) {
      using To = decltype(to);
      const From* src = static_cast<const From*>(x.raw_data());
      To* dst = static_cast<To*>(y.raw_data());
      unary_map(src, dst, n, [](From v) { return convert<To>(v); });
    });
  });
  if (!from_ok) return ctx.unsupported_dtype(0);
  if (!to_ok) return ctx.unsupported_here("cannot cast to {}", dtype_name(y.dtype()));
  return Status::ok();
}

}  // namespace fovea::cpu
