// ReverseSequence: out[t, b] = in[len_b - 1 - t, b] for t < len_b, else in[t, b] (each a
// contiguous block of the dims after the first two).
#include <cstring>

#include "backends/cpu/kernels.h"

namespace fovea::cpu {

Status run_reverse_sequence(CpuKernelContext& ctx) {
  const Tensor& x = ctx.input(0);
  const Tensor& lens = ctx.input(1);
  FOVEA_ASSIGN_OR_RETURN(const int64_t batch_axis, ctx.node().attr_int("batch_axis", 1));
  const int64_t time_axis = 1 - batch_axis;
  const int64_t batch = x.dim(batch_axis), steps = x.dim(time_axis);
  const int64_t inner = x.numel() == 0 ? 0 : x.numel() / (batch * steps);
  const size_t block = static_cast<size_t>(inner) * dtype_size(x.dtype());
  const auto* src = static_cast<const std::byte*>(x.raw_data());
  auto* dst = static_cast<std::byte*>(ctx.output(0).raw_data());
  auto at = [&](int64_t t, int64_t b) { return (time_axis == 0 ? t * batch + b : b * steps + t) * block; };
  for (int64_t b = 0; b < batch; ++b) {
    const int64_t len = lens.int_at(b);
    if (len < 0 || len > steps) return ctx.error("sequence length {} is outside [0, {}]", len, steps);
    for (int64_t t = 0; t < steps; ++t)
      if (block) std::memcpy(dst + at(t, b), src + at(t < len ? len - 1 - t : t, b), block);
  }
  return Status::ok();
}

}  // namespace fovea::cpu
