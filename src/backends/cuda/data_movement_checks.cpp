// The checks the data movement adapters share (declared in data_movement_ops.h).
#include <cstring>

#include "backends/cuda/cuda_check.h"
#include "backends/cuda/data_movement_ops.h"
#include "backends/cuda/kernels/scalar_kind.h"

namespace fovea::cuda {

Result<int64_t> movable_element_size(const GpuKernelContext& ctx, size_t input_index) {
  const size_t size = dtype_size(ctx.input(input_index).dtype);
  if (size == 1 || size == 2 || size == 4 || size == 8) return static_cast<int64_t>(size);
  return ctx.unsupported_dtype(input_index);
}

Status launch_status(const GpuKernelContext& ctx, cudaError_t e, std::string_view launcher) {
  if (e == cudaSuccess) return Status::ok();
  return internal_error("{}: {} failed: {} ({})", ctx.node().describe(), launcher, cudaGetErrorString(e),
                        cudaGetErrorName(e));
}

Result<bool> indices_are_int64(const GpuKernelContext& ctx, size_t input_index) {
  const DType t = ctx.input(input_index).dtype;
  if (t == DType::kInt64) return true;
  if (t == DType::kInt32) return false;
  return ctx.unsupported_dtype(input_index);
}

Status check_rank(const GpuKernelContext& ctx, size_t rank, std::string_view what) {
  if (rank <= static_cast<size_t>(kernels::kMaxRank)) return Status::ok();
  return ctx.unsupported_here("{} has rank {}; the CUDA kernel handles at most {}", what, rank, kernels::kMaxRank);
}

Result<uint64_t> one_element_bits(DType dtype) {
  switch (dtype) {
    case DType::kFloat32: { const float v = 1.f; uint32_t b; std::memcpy(&b, &v, 4); return uint64_t{b}; }
    case DType::kFloat64: { const double v = 1.0; uint64_t b; std::memcpy(&b, &v, 8); return b; }
    case DType::kFloat16: return uint64_t{0x3c00};
    case DType::kBFloat16: return uint64_t{0x3f80};
    case DType::kBool: case DType::kUInt8: case DType::kInt8: case DType::kUInt16: case DType::kInt16:
    case DType::kUInt32: case DType::kInt32: case DType::kUInt64: case DType::kInt64: return uint64_t{1};
    default: return unsupported("no one of dtype {}", dtype_name(dtype));
  }
}

}  // namespace fovea::cuda
