// Device-side reads of index tensors (Gather*, Scatter*, OneHot, ReverseSequence). Include
// only from .cu files.
#pragma once

#include <cuda_fp16.h>

#include <cstdint>

#include "backends/cuda/kernels/scalar_kind.h"

namespace fovea::cuda::kernels {

// Element i of an int32 or int64 index tensor.
__device__ __forceinline__ int64_t load_index(const void* p, bool is_int64, int64_t i) {
  return is_int64 ? static_cast<const int64_t*>(p)[i] : static_cast<int64_t>(static_cast<const int32_t*>(p)[i]);
}

// Element i of a tensor of any numeric kind as an integer index; float values truncate toward
// zero (as ONNX's reference casts them), and *valid turns false for NaN or huge values.
__device__ __forceinline__ int64_t load_any_index(const void* p, ScalarKind k, int64_t i, bool* valid) {
  *valid = true;
  double f = 0.0;
  switch (k) {
    case ScalarKind::kI64: return static_cast<const int64_t*>(p)[i];
    case ScalarKind::kI32: return static_cast<const int32_t*>(p)[i];
    case ScalarKind::kI16: return static_cast<const int16_t*>(p)[i];
    case ScalarKind::kI8: return static_cast<const int8_t*>(p)[i];
    case ScalarKind::kU8: return static_cast<const uint8_t*>(p)[i];
    case ScalarKind::kBool: return static_cast<const uint8_t*>(p)[i] != 0 ? 1 : 0;
    case ScalarKind::kU16: return static_cast<const uint16_t*>(p)[i];
    case ScalarKind::kU32: return static_cast<const uint32_t*>(p)[i];
    case ScalarKind::kU64: {
      const uint64_t v = static_cast<const uint64_t*>(p)[i];
      if (v > 0x7fffffffffffffffull) *valid = false;
      return static_cast<int64_t>(v & 0x7fffffffffffffffull);
    }
    case ScalarKind::kF32: f = static_cast<const float*>(p)[i]; break;
    case ScalarKind::kF64: f = static_cast<const double*>(p)[i]; break;
    case ScalarKind::kF16: f = __half2float(static_cast<const __half*>(p)[i]); break;
  }
  if (!(fabs(f) < 9.0e18)) {
    *valid = false;
    return 0;
  }
  return static_cast<int64_t>(f);
}

}  // namespace fovea::cuda::kernels
