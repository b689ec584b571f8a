#include <algorithm>
#include <cstring>

#include "backends/cpu/kernels.h"
#include "backends/cpu/strided_copy.h"
#include "ops/pad.h"

namespace fovea::cpu {
namespace {

// The input index output index `o` reads along one axis, or -1 for the constant.
int64_t source_index(int64_t o, int64_t begin, int64_t dim, PadMode mode) {
  const int64_t i = o - begin;
  if (i >= 0 && i < dim) return i;
  switch (mode) {
    case PadMode::kConstant: return -1;
    case PadMode::kEdge: return i < 0 ? 0 : dim - 1;
    case PadMode::kWrap: return ((i % dim) + dim) % dim;
    case PadMode::kReflect: {
      if (dim == 1) return 0;
      const int64_t period = 2 * (dim - 1);
      const int64_t m = ((i % period) + period) % period;
      return m < dim ? m : period - m;
    }
  }
  return -1;
}

template <typename T>
T from_float(float v) {
  if constexpr (std::is_same_v<T, Half>) return float_to_half(v);
  else if constexpr (std::is_same_v<T, bool>) return v != 0.f;
  else return static_cast<T>(v);
}

// The constant as raw bytes of the data's dtype.
Status pad_value_bytes(CpuKernelContext& ctx, DType dtype, std::vector<std::byte>& bytes) {
  bytes.assign(dtype_size(dtype), std::byte{0});
  if (ctx.opset() >= 11) {
    if (ctx.has_input(2) && ctx.input(2).numel() > 0) std::memcpy(bytes.data(), ctx.input(2).raw_data(), bytes.size());
    return Status::ok();
  }
  FOVEA_ASSIGN_OR_RETURN(float v, ctx.node().attr_float("value", 0.f));
  if (dtype == DType::kBFloat16) {
    uint32_t f;
    std::memcpy(&f, &v, 4);
    const uint16_t b = static_cast<uint16_t>(f >> 16);
    std::memcpy(bytes.data(), &b, 2);
    return Status::ok();
  }
  FOVEA_SWITCH_ALL(dtype, T, {
    const T t = from_float<T>(v);
    std::memcpy(bytes.data(), &t, sizeof(T));
    return Status::ok();
  });
  return ctx.unsupported_dtype(0);
}

}  // namespace

Status run_pad(CpuKernelContext& ctx) {
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  const int64_t rank = static_cast<int64_t>(in.rank());
  FOVEA_ASSIGN_OR_RETURN(PadMode mode, pad_mode(ctx.node()));
  std::optional<std::vector<int64_t>> pads, axes;
  if (ctx.opset() >= 11) pads = ctx.input(1).to_int64_vector();
  if (ctx.opset() >= 18 && ctx.has_input(3)) axes = ctx.input(3).to_int64_vector();
  FOVEA_ASSIGN_OR_RETURN(auto amounts, pad_amounts(ctx.node(), ctx.opset(), rank, pads, axes));
  std::vector<std::byte> value;
  FOVEA_RETURN_IF_ERROR(pad_value_bytes(ctx, in.dtype(), value));
  if (out.numel() == 0) return Status::ok();
  // Per axis: which input index each output index reads.
  std::vector<std::vector<int64_t>> maps(static_cast<size_t>(rank));
  for (int64_t a = 0; a < rank; ++a) {
    maps[a].resize(static_cast<size_t>(out.dim(a)));
    // Negative pads crop first; the positive ones then pad the cropped range (as numpy does).
    const auto [b, e] = amounts[a];
    const int64_t lo = b < 0 ? -b : 0;
    const int64_t kept = in.dim(a) - lo - (e < 0 ? -e : 0);
    for (int64_t o = 0; o < out.dim(a); ++o) {
      const int64_t s = source_index(o, std::max<int64_t>(b, 0), kept, mode);
      maps[a][o] = s < 0 ? -1 : lo + s;
    }
  }
  const std::vector<int64_t> strides = contiguous_strides(in.dims());
  return with_element_word(dtype_size(in.dtype()), [&](auto word) {
    using W = decltype(word);
    W fill;
    std::memcpy(&fill, value.data(), sizeof(W));
    const W* src = static_cast<const W*>(in.raw_data());
    W* dst = static_cast<W*>(out.raw_data());
    std::vector<int64_t> idx(static_cast<size_t>(rank), 0);
    for (int64_t k = 0; k < out.numel(); ++k) {
      int64_t off = 0;
      bool inside = true;
      for (int64_t a = 0; a < rank; ++a) {
        const int64_t s = maps[a][idx[a]];
        if (s < 0) { inside = false; break; }
        off += s * strides[a];
      }
      dst[k] = inside ? src[off] : fill;
      for (int64_t a = rank; a-- > 0;) {
        if (++idx[a] < out.dim(a)) break;
        idx[a] = 0;
      }
    }
  });
}

}  // namespace fovea::cpu
