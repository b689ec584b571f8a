// Mod, Xor and BitShift on broadcast operands. Integer Mod by zero gives 0 (no SIGFPE); with
// fmod=0 the result takes the divisor's sign (Python's %), with fmod=1 the dividend's (C's fmod).
// Shifting by the type's width or more gives 0 instead of undefined behaviour.
#include <cmath>
#include <type_traits>

#include "backends/cpu/elementwise_dispatch.h"
#include "backends/cpu/kernels.h"

namespace fovea::cpu {
namespace {

template <typename T>
T mod_value(T a, T b, bool c_fmod) {
  if constexpr (std::is_floating_point_v<T>) {
    T r = std::fmod(a, b);
    if (!c_fmod && r != T(0) && ((r < T(0)) != (b < T(0)))) r += b;
    return r;
  } else {
    if (b == 0) return 0;
    if constexpr (std::is_signed_v<T>) {
      if (b == -1) return 0;  // also avoids INT_MIN % -1
      T r = static_cast<T>(a % b);
      if (!c_fmod && r != 0 && ((r < 0) != (b < 0))) r = static_cast<T>(r + b);
      return r;
    } else {
      return static_cast<T>(a % b);
    }
  }
}

template <typename T>
void shift_typed(CpuKernelContext& ctx, bool left) {
  broadcast_binary<T, T, T>(ctx.input(0), ctx.input(1), ctx.output(0), [left](T a, T b) -> T {
    if (b >= sizeof(T) * 8) return 0;
    // Small types promote to int when shifted; shift them as unsigned instead.
    using Wide = std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned, T>;
    return static_cast<T>(left ? static_cast<Wide>(a) << b : static_cast<Wide>(a) >> b);
  });
}

}  // namespace

Status run_mod(CpuKernelContext& ctx) {
  FOVEA_ASSIGN_OR_RETURN(const int64_t fmod, ctx.node().attr_int("fmod", 0));
  const bool c_fmod = fmod != 0;
  return broadcast_numeric_binary(ctx, run_mod, [c_fmod](auto a, auto b) { return mod_value(a, b, c_fmod); });
}

Status run_xor(CpuKernelContext& ctx) {
  if (ctx.input(0).dtype() != DType::kBool) return ctx.unsupported_dtype(0);
  broadcast_binary<bool, bool, bool>(ctx.input(0), ctx.input(1), ctx.output(0), [](bool a, bool b) { return a != b; });
  return Status::ok();
}

Status run_bit_shift(CpuKernelContext& ctx) {
  FOVEA_ASSIGN_OR_RETURN(const std::string direction, ctx.node().attr_string("direction", ""));
  const bool left = direction == "LEFT";
  switch (ctx.input(0).dtype()) {
    case DType::kUInt8: shift_typed<uint8_t>(ctx, left); return Status::ok();
    case DType::kUInt16: shift_typed<uint16_t>(ctx, left); return Status::ok();
    case DType::kUInt32: shift_typed<uint32_t>(ctx, left); return Status::ok();
    case DType::kUInt64: shift_typed<uint64_t>(ctx, left); return Status::ok();
    default: break;
  }
  return ctx.unsupported_dtype(0);
}

}  // namespace fovea::cpu
