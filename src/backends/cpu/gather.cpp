#include <cstring>

#include "backends/cpu/kernels.h"
#include "backends/cpu/strided_copy.h"

namespace fovea::cpu {

Status run_gather(CpuKernelContext& ctx) {
  const Tensor& data = ctx.input(0);
  const Tensor& indices = ctx.input(1);
  Tensor& out = ctx.output(0);
  const int64_t rank = static_cast<int64_t>(data.rank());
  FOVEA_ASSIGN_OR_RETURN(int64_t axis_attr, ctx.node().attr_int("axis", 0));
  const int64_t axis = axis_attr < 0 ? axis_attr + rank : axis_attr;
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= data.dim(d);
  int64_t inner = 1;
  for (int64_t d = axis + 1; d < rank; ++d) inner *= data.dim(d);
  const int64_t dim = data.dim(axis);
  const int64_t n = indices.numel();
  const size_t block = static_cast<size_t>(inner) * dtype_size(data.dtype());
  const auto* src = static_cast<const std::byte*>(data.raw_data());
  auto* dst = static_cast<std::byte*>(out.raw_data());
  for (int64_t k = 0; k < n; ++k) {
    const int64_t v = indices.int_at(k);
    if (v < -dim || v >= dim) return ctx.error("index {} is out of range for an axis of size {}", v, dim);
  }
  if (block == 0) return Status::ok();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t k = 0; k < n; ++k) {
      int64_t v = indices.int_at(k);
      if (v < 0) v += dim;
      std::memcpy(dst + (o * n + k) * block, src + (o * dim + v) * block, block);
    }
  return Status::ok();
}

Status run_gather_elements(CpuKernelContext& ctx) {
  const Tensor& data = ctx.input(0);
  const Tensor& indices = ctx.input(1);
  Tensor& out = ctx.output(0);
  const int64_t rank = static_cast<int64_t>(data.rank());
  FOVEA_ASSIGN_OR_RETURN(int64_t axis_attr, ctx.node().attr_int("axis", 0));
  const int64_t axis = axis_attr < 0 ? axis_attr + rank : axis_attr;
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis && indices.dim(d) > data.dim(d)) return ctx.error("indices exceed data on axis {}", d);
  const int64_t dim = data.dim(axis);
  const std::vector<int64_t> data_strides = contiguous_strides(data.dims());
  const int64_t n = indices.numel();
  for (int64_t k = 0; k < n; ++k) {
    const int64_t v = indices.int_at(k);
    if (v < -dim || v >= dim) return ctx.error("index {} is out of range for an axis of size {}", v, dim);
  }
  return with_element_word(dtype_size(data.dtype()), [&](auto word) {
    using W = decltype(word);
    const W* src = static_cast<const W*>(data.raw_data());
    W* dst = static_cast<W*>(out.raw_data());
    std::vector<int64_t> idx(static_cast<size_t>(rank), 0);
    for (int64_t k = 0; k < n; ++k) {
      int64_t v = indices.int_at(k);
      if (v < 0) v += dim;
      int64_t off = 0;
      for (int64_t d = 0; d < rank; ++d) off += (d == axis ? v : idx[d]) * data_strides[d];
      dst[k] = src[off];
      for (int64_t d = rank; d-- > 0;) {
        if (++idx[d] < indices.dim(d)) break;
        idx[d] = 0;
      }
    }
  });
}

}  // namespace fovea::cpu
