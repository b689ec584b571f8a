// EyeLike: the output is zero-filled; write a one at (i, i + k).
#include <type_traits>

#include "backends/cpu/kernels.h"

namespace fovea::cpu {
namespace {

template <typename T>
T one_of(DType dtype) {
  if constexpr (std::is_same_v<T, Half>) return float_to_half(1.f);
  else if constexpr (std::is_same_v<T, uint16_t>) return dtype == DType::kBFloat16 ? T(0x3f80) : T(1);  // bfloat16 bits
  else return static_cast<T>(1);
}

}  // namespace

Status run_eye_like(CpuKernelContext& ctx) {
  Tensor& y = ctx.output(0);
  FOVEA_ASSIGN_OR_RETURN(const int64_t k, ctx.node().attr_int("k", 0));
  const int64_t rows = y.dim(0), cols = y.dim(1);
  FOVEA_SWITCH_ALL(y.dtype(), T, {
    const T one = one_of<T>(y.dtype());
    T* dst = y.data<T>();
    if (k >= cols || k <= -rows) return Status::ok();  // the diagonal misses the matrix
    for (int64_t i = 0; i < rows; ++i) {
      const int64_t j = i + k;
      if (j >= 0 && j < cols) dst[i * cols + j] = one;
    }
    return Status::ok();
  });
  return ctx.unsupported_here("dtype {}", dtype_name(y.dtype()));
}

}  // namespace fovea::cpu
