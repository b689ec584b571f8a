// Element types the CUDA launchers take. Framework-free (kernels include no fovea headers);
// the host side maps DType to ScalarKind with to_scalar_kind() in gpu_dtype.h.
#pragma once

#include <cstddef>

namespace fovea::cuda::kernels {

enum class ScalarKind { kF32, kF16, kI64, kI32, kI8, kU8, kBool, kF64, kI16, kU16, kU32, kU64 };

inline size_t scalar_size(ScalarKind k) {
  switch (k) {
    case ScalarKind::kF64: case ScalarKind::kI64: case ScalarKind::kU64: return 8;
    case ScalarKind::kF32: case ScalarKind::kI32: case ScalarKind::kU32: return 4;
    case ScalarKind::kF16: case ScalarKind::kI16: case ScalarKind::kU16: return 2;
    case ScalarKind::kI8: case ScalarKind::kU8: case ScalarKind::kBool: return 1;
  }
  return 0;
}

// Largest rank the launchers' index helpers handle (ONNX models rarely go past 6).
inline constexpr int kMaxRank = 8;

}  // namespace fovea::cuda::kernels
