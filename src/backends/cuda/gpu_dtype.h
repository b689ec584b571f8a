// DType <-> the launchers' ScalarKind.
#pragma once

#include <optional>

#include "backends/cuda/kernels/scalar_kind.h"
#include "core/dtype.h"

namespace fovea::cuda {

inline std::optional<kernels::ScalarKind> to_scalar_kind(DType t) {
  using K = kernels::ScalarKind;
  switch (t) {
    case DType::kFloat32: return K::kF32;
    case DType::kFloat16: return K::kF16;
    case DType::kInt64: return K::kI64;
    case DType::kInt32: return K::kI32;
    case DType::kInt8: return K::kI8;
    case DType::kUInt8: return K::kU8;
    case DType::kBool: return K::kBool;
    case DType::kFloat64: return K::kF64;
    case DType::kInt16: return K::kI16;
    case DType::kUInt16: return K::kU16;
    case DType::kUInt32: return K::kU32;
    case DType::kUInt64: return K::kU64;
    default: return std::nullopt;
  }
}

}  // namespace fovea::cuda
