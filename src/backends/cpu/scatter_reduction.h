// The `reduction` of ScatterND and ScatterElements: how an update combines with the element it
// lands on.
#pragma once

#include <algorithm>
#include <string_view>
#include <type_traits>

#include "core/dtype.h"

namespace fovea::cpu {

enum class Reduction { kNone, kAdd, kMul, kMax, kMin };

// The reduction named by the attribute (validated by the shape function).
inline Reduction parse_reduction(std::string_view name) {
  return name == "add" ? Reduction::kAdd : name == "mul" ? Reduction::kMul
         : name == "max" ? Reduction::kMax : name == "min" ? Reduction::kMin : Reduction::kNone;
}

template <typename T>
T combine(T a, T b, Reduction r) {
  if constexpr (std::is_same_v<T, Half>) {
    return float_to_half(combine(half_to_float(a), half_to_float(b), r));
  } else if constexpr (std::is_same_v<T, bool>) {
    return (r == Reduction::kAdd || r == Reduction::kMax) ? (a || b) : (a && b);
  } else {
    switch (r) {
      case Reduction::kAdd: return static_cast<T>(a + b);
      case Reduction::kMul: return static_cast<T>(a * b);
      case Reduction::kMax: return std::max(a, b);
      case Reduction::kMin: return std::min(a, b);
      default: return b;
    }
  }
}

}  // namespace fovea::cpu
