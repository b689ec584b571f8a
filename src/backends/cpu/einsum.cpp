// Einsum as a loop over the index space: output positions in parallel, reduction axes inside.
#include <vector>

#include "backends/cpu/kernels.h"
#include "ops/einsum_equation.h"

namespace fovea::cpu {
namespace {

template <typename T>
Status einsum(CpuKernelContext& ctx, const EinsumAxes& axes) {
  const size_t n_in = ctx.num_inputs();
  const size_t ids = static_cast<size_t>(axes.num_ids);
  std::vector<int64_t> size(ids, 1);
  std::vector<bool> in_output(ids, false);
  // Broadcast: a dim of 1 stretches to the other size, including 0 (max() would turn a 0 dim
  // into 1 and read past an empty input).
  for (size_t i = 0; i < n_in; ++i)
    for (size_t d = 0; d < axes.inputs[i].size(); ++d)
      if (ctx.input(i).dim(d) != 1) size[axes.inputs[i][d]] = ctx.input(i).dim(d);
  for (int id : axes.output) in_output[id] = true;
  // Per input, the element stride of each id (summed for repeated labels, 0 where broadcast).
  std::vector<std::vector<int64_t>> stride(n_in, std::vector<int64_t>(ids, 0));
  for (size_t i = 0; i < n_in; ++i) {
    const Dims& dims = ctx.input(i).dims();
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
  for (int id : red)
    if (size[id] == 0) return Status::ok();  // empty sum: the output stays zero
  int64_t red_count = 1;
  for (int id : red) red_count *= size[id];
  std::vector<const T*> in(n_in);
  for (size_t i = 0; i < n_in; ++i) in[i] = ctx.input(i).data<T>();
  T* y = ctx.output(0).data<T>();
  const int64_t out_count = ctx.output(0).numel();
  const std::vector<int>& out_ids = axes.output;
  using Acc = std::conditional_t<std::is_same_v<T, float>, double, T>;
#pragma omp parallel for schedule(static)
  for (int64_t o = 0; o < out_count; ++o) {
    std::vector<int64_t> base(n_in, 0);
    int64_t rem = o;
    for (size_t d = out_ids.size(); d-- > 0;) {
      const int id = out_ids[d];
      const int64_t coord = rem % size[id];
      rem /= size[id];
      for (size_t i = 0; i < n_in; ++i) base[i] += coord * stride[i][id];
    }
    std::vector<int64_t> idx(red.size(), 0), off(base);
    Acc acc = 0;
    for (int64_t r = 0; r < red_count; ++r) {
      Acc prod = 1;
      for (size_t i = 0; i < n_in; ++i) prod *= static_cast<Acc>(in[i][off[i]]);
      acc += prod;
      for (size_t k = red.size(); k-- > 0;) {  // odometer over the reduction axes
        const int id = red[k];
        for (size_t i = 0; i < n_in; ++i) off[i] += stride[i][id];
        if (++idx[k] < size[id]) break;
        for (size_t i = 0; i < n_in; ++i) off[i] -= stride[i][id] * size[id];
        idx[k] = 0;
      }
    }
    y[o] = static_cast<T>(acc);
  }
  return Status::ok();
}

}  // namespace

Status run_einsum(CpuKernelContext& ctx) {
  FOVEA_ASSIGN_OR_RETURN(std::string equation, ctx.node().attr_string("equation", ""));
  std::vector<int64_t> ranks;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) ranks.push_back(static_cast<int64_t>(ctx.input(i).rank()));
  FOVEA_ASSIGN_OR_RETURN(EinsumAxes axes, parse_einsum(equation, ranks));
  switch (ctx.input(0).dtype()) {
    case DType::kFloat32: return einsum<float>(ctx, axes);
    case DType::kFloat64: return einsum<double>(ctx, axes);
    case DType::kInt32: return einsum<int32_t>(ctx, axes);
    case DType::kInt64: return einsum<int64_t>(ctx, axes);
    case DType::kUInt32: return einsum<uint32_t>(ctx, axes);
    case DType::kUInt64: return einsum<uint64_t>(ctx, axes);
    default: return ctx.unsupported_dtype(0);
  }
}

}  // namespace fovea::cpu
