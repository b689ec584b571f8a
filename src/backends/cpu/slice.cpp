#include "backends/cpu/kernels.h"
#include "backends/cpu/strided_copy.h"
#include "ops/slice.h"

namespace fovea::cpu {

Status run_slice(CpuKernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  const int64_t rank = static_cast<int64_t>(in.rank());
  std::optional<std::vector<int64_t>> lists[4];
  if (ctx.opset() >= 10)
    for (size_t i = 1; i <= 4; ++i)
      if (ctx.has_input(i)) lists[i - 1] = ctx.input(i).to_int64_vector();
  FOVEA_ASSIGN_OR_RETURN(SliceSpec spec, make_slice_spec(ctx.node(), ctx.opset(), rank, lists[0], lists[1], lists[2],
                                                         lists[3]));
  const std::vector<int64_t> in_strides = contiguous_strides(in.dims());
  std::vector<int64_t> strides = in_strides;
  int64_t offset = 0;
  for (size_t i = 0; i < spec.axes.size(); ++i) {
    const int64_t a = spec.axes[i];
    const SliceRange r = resolve_slice_axis(spec.starts[i], spec.ends[i], spec.steps[i], in.dim(a));
    if (r.count != ctx.output(0).dim(a)) return internal_error("{}: slice size mismatch", ctx.node().describe());
    offset += r.start * in_strides[a];
    strides[a] = r.count > 1 ? r.step * in_strides[a] : 0;
  }
  return strided_copy(in.raw_data(), offset, strides, ctx.output(0).dims(), dtype_size(in.dtype()),
                      ctx.output(0).raw_data());
}

}  // namespace fovea::cpu
