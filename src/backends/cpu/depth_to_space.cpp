// Both ops are a reshape to 6-D, a transpose and a reshape back.
#include "backends/cpu/kernels.h"
#include "backends/cpu/strided_copy.h"

namespace fovea::cpu {

Status run_depth_to_space(CpuKernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  FOVEA_ASSIGN_OR_RETURN(int64_t b, ctx.node().attr_int("blocksize", 0));
  FOVEA_ASSIGN_OR_RETURN(std::string mode, ctx.node().attr_string("mode", "DCR"));
  const int64_t n = in.dim(0), c = in.dim(1) / (b * b), h = in.dim(2), w = in.dim(3);
  Dims dims;
  std::vector<int64_t> perm;
  if (mode == "DCR") {
    dims = {n, b, b, c, h, w};
    perm = {0, 3, 4, 1, 5, 2};
  } else {
    dims = {n, c, b, b, h, w};
    perm = {0, 1, 4, 2, 5, 3};
  }
  return transpose_copy(in.raw_data(), dims, perm, dtype_size(in.dtype()), ctx.output(0).raw_data());
}

Status run_space_to_depth(CpuKernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  FOVEA_ASSIGN_OR_RETURN(int64_t b, ctx.node().attr_int("blocksize", 0));
  const int64_t n = in.dim(0), c = in.dim(1), h = in.dim(2) / b, w = in.dim(3) / b;
  return transpose_copy(in.raw_data(), {n, c, h, b, w, b}, {0, 3, 5, 1, 2, 4}, dtype_size(in.dtype()),
                        ctx.output(0).raw_data());
}

}  // namespace fovea::cpu
