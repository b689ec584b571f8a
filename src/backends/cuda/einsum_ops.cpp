// Einsum on the GPU: the equation is parsed as in the CPU reference (ops/einsum_equation.h) and
// turned into per-axis sizes and per-input strides for the generic contraction launcher.
#include <cstring>
#include <vector>

#include "backends/cuda/gpu_dtype.h"
#include "backends/cuda/kernels/einsum.h"
#include "backends/cuda/reduction_nn_ops.h"
#include "ops/einsum_equation.h"

namespace fovea::cuda {

Status run_gpu_einsum(GpuKernelContext& ctx) {
  const size_t n_in = ctx.num_inputs();
  if (n_in == 0 || n_in > static_cast<size_t>(kernels::kMaxEinsumInputs))
    return ctx.unsupported_here("{} inputs; the CUDA kernel takes 1 to {}", n_in, kernels::kMaxEinsumInputs);
  const auto kind = to_scalar_kind(ctx.input(0).dtype);
  if (!kind || !kernels::einsum_supports(*kind)) return ctx.unsupported_dtype(0);
  for (size_t i = 1; i < n_in; ++i)
    if (ctx.input(i).dtype != ctx.input(0).dtype) return ctx.unsupported_dtype(i);
  FOVEA_ASSIGN_OR_RETURN(std::string equation, ctx.node().attr_string("equation", ""));
  std::vector<int64_t> ranks;
  for (size_t i = 0; i < n_in; ++i) ranks.push_back(static_cast<int64_t>(ctx.input(i).dims.size()));
  FOVEA_ASSIGN_OR_RETURN(EinsumAxes axes, parse_einsum(equation, ranks));
  // Sizes and strides exactly as the CPU reference derives them (broadcast 1 stretches, repeated
  // labels sum their strides).
  const size_t ids = static_cast<size_t>(axes.num_ids);
  std::vector<int64_t> size(ids, 1);
  std::vector<bool> in_output(ids, false);
  for (size_t i = 0; i < n_in; ++i)
    for (size_t d = 0; d < axes.inputs[i].size(); ++d)
      if (ctx.input(i).dims[d] != 1) size[axes.inputs[i][d]] = ctx.input(i).dims[d];
  for (int id : axes.output) in_output[id] = true;
  std::vector<std::vector<int64_t>> stride(n_in, std::vector<int64_t>(ids, 0));
  for (size_t i = 0; i < n_in; ++i) {
    const Dims& dims = ctx.input(i).dims;
    int64_t s = 1;
    for (size_t d = dims.size(); d-- > 0;) {
      if (dims[d] != 1 || size[axes.inputs[i][d]] == 1) stride[i][axes.inputs[i][d]] += s;
      s *= dims[d];
    }
  }
  std::vector<int> red;
  for (size_t id = 0; id < ids; ++id)
    if (!in_output[id] && size[id] != 1) {
      bool used = false;
      for (size_t i = 0; i < n_in; ++i) used = used || stride[i][id] != 0;
      if (used) red.push_back(static_cast<int>(id));
    }
  DeviceTensor& y = ctx.output(0);
  bool empty_sum = false;
  for (int id : red) empty_sum = empty_sum || size[id] == 0;
  if (empty_sum) {  // the sum over nothing: zeros
    if (y.nbytes() == 0) return Status::ok();
    return launch_status(ctx, cudaMemsetAsync(y.data, 0, y.nbytes(), ctx.stream()));
  }
  if (axes.output.size() > static_cast<size_t>(kernels::kMaxEinsumAxes) || red.size() > static_cast<size_t>(kernels::kMaxEinsumAxes))
    return ctx.unsupported_here("{} output and {} summed axes; the CUDA kernel takes up to {} each", axes.output.size(),
                                red.size(), kernels::kMaxEinsumAxes);
  kernels::EinsumParams p;
  p.kind = *kind;
  p.num_inputs = static_cast<int>(n_in);
  for (size_t i = 0; i < n_in; ++i) p.inputs[i] = ctx.input(i).data;
  p.out_rank = static_cast<int>(axes.output.size());
  for (int d = 0; d < p.out_rank; ++d) {
    const int id = axes.output[d];
    p.out_size[d] = size[id];
    for (size_t i = 0; i < n_in; ++i) p.out_stride[i][d] = stride[i][id];
  }
  p.red_rank = static_cast<int>(red.size());
  for (int k = 0; k < p.red_rank; ++k) {
    p.red_size[k] = size[red[k]];
    for (size_t i = 0; i < n_in; ++i) p.red_stride[i][k] = stride[i][red[k]];
  }
  p.out_count = y.numel();
  return launch_status(ctx, kernels::launch_einsum(p, y.data, ctx.stream()));
}

}  // namespace fovea::cuda
