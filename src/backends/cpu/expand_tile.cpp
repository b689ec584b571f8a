#include "backends/cpu/kernels.h"
#include "backends/cpu/strided_copy.h"

namespace fovea::cpu {

Status run_expand(CpuKernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  const std::vector<int64_t> in_strides = contiguous_strides(in.dims());
  const size_t lead = out.rank() - in.rank();
  std::vector<int64_t> strides(out.rank(), 0);
  for (size_t i = 0; i < in.rank(); ++i) strides[lead + i] = in.dim(i) == 1 ? 0 : in_strides[i];
  return strided_copy(in.raw_data(), 0, strides, out.dims(), dtype_size(in.dtype()), out.raw_data());
}

Status run_tile(CpuKernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  // The output seen as [r0, d0, r1, d1, ...]: repeat dims read with stride 0.
  const std::vector<int64_t> in_strides = contiguous_strides(in.dims());
  Dims dims;
  std::vector<int64_t> strides;
  for (size_t i = 0; i < in.rank(); ++i) {
    dims.push_back(in.dim(i) == 0 ? 0 : out.dim(i) / in.dim(i));
    strides.push_back(0);
    dims.push_back(in.dim(i));
    strides.push_back(in_strides[i]);
  }
  if (out.numel() == 0) return Status::ok();
  return strided_copy(in.raw_data(), 0, strides, dims, dtype_size(in.dtype()), out.raw_data());
}

}  // namespace fovea::cpu
