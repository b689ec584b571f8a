// Pad and Resize / Upsample: host-known parameters (pads, scales, sizes, roi) are turned into
// per-axis geometry here, with the same shared functions as the CPU reference, and the
// launchers compute each output element from it.
#include <cmath>
#include <cstring>

#include "backends/cuda/data_movement_ops.h"
#include "backends/cuda/gpu_dtype.h"
#include "backends/cuda/kernels/pad.h"
#include "backends/cuda/kernels/resize.h"
#include "backends/cuda/resize_params.h"
#include "ops/pad.h"
#include "ops/resize_geometry.h"

namespace fovea::cuda {
namespace {

// `v` as an element of `dtype`, in the low bytes; integers convert with `integer` (truncation
// for Pad's float attribute, rounding for Resize's extrapolation value, as the CPU reference).
template <typename ToInteger>
Result<uint64_t> element_bits(DType dtype, double v, ToInteger integer) {
  uint64_t bits = 0;
  auto put = [&](auto x) { std::memcpy(&bits, &x, sizeof x); };
  switch (dtype) {
    case DType::kFloat32: put(static_cast<float>(v)); break;
    case DType::kFloat64: put(v); break;
    case DType::kFloat16: put(float_to_half(static_cast<float>(v)).bits); break;
    case DType::kBFloat16: {
      const float f = static_cast<float>(v);
      uint32_t u;
      std::memcpy(&u, &f, 4);
      put(static_cast<uint16_t>(u >> 16));
      break;
    }
    case DType::kBool: put(static_cast<uint8_t>(v != 0.0)); break;
    case DType::kInt8: put(static_cast<int8_t>(integer(v))); break;
    case DType::kUInt8: put(static_cast<uint8_t>(integer(v))); break;
    case DType::kInt16: put(static_cast<int16_t>(integer(v))); break;
    case DType::kUInt16: put(static_cast<uint16_t>(integer(v))); break;
    case DType::kInt32: put(static_cast<int32_t>(integer(v))); break;
    case DType::kUInt32: put(static_cast<uint32_t>(integer(v))); break;
    case DType::kInt64: put(static_cast<int64_t>(integer(v))); break;
    case DType::kUInt64: put(static_cast<uint64_t>(integer(v))); break;
    default: return unsupported("no {} value", dtype_name(dtype));
  }
  return bits;
}

kernels::PadKind pad_kind(PadMode m) {
  switch (m) {
    case PadMode::kConstant: return kernels::PadKind::kConstant;
    case PadMode::kReflect: return kernels::PadKind::kReflect;
    case PadMode::kEdge: return kernels::PadKind::kEdge;
    case PadMode::kWrap: return kernels::PadKind::kWrap;
  }
  return kernels::PadKind::kConstant;
}

// The constant: input 2 from opset 11 (zero when absent or empty), else the 'value' attribute.
Result<uint64_t> pad_fill_bits(GpuKernelContext& ctx, DType dtype) {
  if (ctx.opset() >= 11) {
    uint64_t bits = 0;
    if (ctx.has_input(2)) {
      FOVEA_ASSIGN_OR_RETURN(const Tensor* v, ctx.require_host_value(2, "constant_value"));
      if (v->numel() > 0) {
        if (v->dtype() != dtype) return ctx.error("constant_value has dtype {}, data {}", dtype_name(v->dtype()),
                                                  dtype_name(dtype));
        std::memcpy(&bits, v->raw_data(), dtype_size(dtype));
      }
    }
    return bits;
  }
  FOVEA_ASSIGN_OR_RETURN(float v, ctx.node().attr_float("value", 0.f));
  auto bits = element_bits(dtype, v, [](double x) { return x; });
  if (!bits.is_ok()) return ctx.unsupported_dtype(0);
  return *bits;
}

kernels::ResizeInterp interp(ResizeMode m) {
  switch (m) {
    case ResizeMode::kNearest: return kernels::ResizeInterp::kNearest;
    case ResizeMode::kLinear: return kernels::ResizeInterp::kLinear;
    case ResizeMode::kCubic: return kernels::ResizeInterp::kCubic;
  }
  return kernels::ResizeInterp::kNearest;
}

kernels::ResizeCoordinate coordinate(CoordinateTransform t) {
  using C = kernels::ResizeCoordinate;
  switch (t) {
    case CoordinateTransform::kHalfPixel: return C::kHalfPixel;
    case CoordinateTransform::kHalfPixelSymmetric: return C::kHalfPixelSymmetric;
    case CoordinateTransform::kPytorchHalfPixel: return C::kPytorchHalfPixel;
    case CoordinateTransform::kAlignCorners: return C::kAlignCorners;
    case CoordinateTransform::kAsymmetric: return C::kAsymmetric;
    case CoordinateTransform::kTfHalfPixelForNN: return C::kTfHalfPixelForNN;
    case CoordinateTransform::kTfCropAndResize: return C::kTfCropAndResize;
  }
  return C::kHalfPixel;
}

kernels::ResizeNearest nearest(NearestRounding r) {
  using N = kernels::ResizeNearest;
  switch (r) {
    case NearestRounding::kRoundPreferFloor: return N::kRoundPreferFloor;
    case NearestRounding::kRoundPreferCeil: return N::kRoundPreferCeil;
    case NearestRounding::kFloor: return N::kFloor;
    case NearestRounding::kCeil: return N::kCeil;
    case NearestRounding::kSimple: return N::kSimple;
  }
  return N::kRoundPreferFloor;
}

}  // namespace

Status run_pad(GpuKernelContext& ctx) {
  const DeviceTensor& in = ctx.input(0);
  DeviceTensor& out = ctx.output(0);
  FOVEA_ASSIGN_OR_RETURN(int64_t esize, movable_element_size(ctx, 0));
  const int64_t rank = static_cast<int64_t>(in.dims.size());
  FOVEA_RETURN_IF_ERROR(check_rank(ctx, in.dims.size(), "data"));
  FOVEA_ASSIGN_OR_RETURN(PadMode mode, pad_mode(ctx.node()));
  std::optional<std::vector<int64_t>> pads, axes;
  if (ctx.opset() >= 11) {
    FOVEA_ASSIGN_OR_RETURN(const Tensor* t, ctx.require_host_value(1, "pads"));
    pads = t->to_int64_vector();
  }
  if (ctx.opset() >= 18 && ctx.has_input(3)) {
    FOVEA_ASSIGN_OR_RETURN(const Tensor* t, ctx.require_host_value(3, "axes"));
    axes = t->to_int64_vector();
  }
  FOVEA_ASSIGN_OR_RETURN(auto amounts, pad_amounts(ctx.node(), ctx.opset(), rank, pads, axes));
  kernels::PadParams p;
  FOVEA_ASSIGN_OR_RETURN(p.fill_bits, pad_fill_bits(ctx, in.dtype));
  if (out.numel() == 0) return Status::ok();
  p.rank = static_cast<int>(rank);
  p.mode = pad_kind(mode);
  p.element_size = esize;
  int64_t stride = 1;
  for (int64_t a = rank - 1; a >= 0; --a) {
    const size_t i = static_cast<size_t>(a);
    // Negative pads crop first; the positive ones then pad the cropped range.
    const auto [b, e] = amounts[i];
    p.crop[a] = b < 0 ? -b : 0;
    p.kept[a] = in.dims[i] - p.crop[a] - (e < 0 ? -e : 0);
    p.begin[a] = b > 0 ? b : 0;
    p.out_dims[a] = out.dims[i];
    p.in_strides[a] = stride;
    stride *= in.dims[i];
    if (p.kept[a] <= 0 && mode != PadMode::kConstant)
      return ctx.error("axis {} keeps no element to pad from in {} mode", a, mode == PadMode::kEdge ? "edge" : "reflect/wrap");
  }
  return launch_status(ctx, kernels::launch_pad(p, in.data, out.data, ctx.stream()), "launch_pad");
}

Result<kernels::ResizeParams> make_resize_params(const Node& node, int64_t opset, DType dtype, const Dims& in_dims,
                                                 const Dims& out_dims, const Tensor* roi, const Tensor* scales,
                                                 const Tensor* sizes) {
  FOVEA_ASSIGN_OR_RETURN(ResizeAttributes attrs, parse_resize_attributes(node, opset));
  if (in_dims.size() > static_cast<size_t>(kernels::kMaxRank))
    return unsupported("{}: X has rank {}; the CUDA kernel handles at most {}", node.describe(), in_dims.size(),
                       kernels::kMaxRank);
  FOVEA_ASSIGN_OR_RETURN(ResizeGeometry g, resize_geometry(node, attrs, in_dims, roi, scales, sizes));
  if (out_dims != g.output) return internal_error("{}: output shape disagrees with geometry", node.describe());
  auto bad_dtype = [&] {
    return unsupported("{}: input 0 has dtype {}, which the CUDA kernel does not handle", node.describe(),
                       dtype_name(dtype));
  };
  kernels::ResizeParams p;
  p.rank = static_cast<int>(in_dims.size());
  p.mode = interp(attrs.mode);
  p.transform = coordinate(attrs.transform);
  p.rounding = nearest(attrs.rounding);
  p.cubic_coeff_a = attrs.cubic_coeff_a;
  p.exclude_outside = attrs.exclude_outside;
  p.extrapolation_value = attrs.extrapolation_value;
  p.element_size = static_cast<int64_t>(dtype_size(dtype));
  if (attrs.mode == ResizeMode::kNearest) {
    if (p.element_size != 1 && p.element_size != 2 && p.element_size != 4 && p.element_size != 8) return bad_dtype();
    auto bits = element_bits(dtype, attrs.extrapolation_value, [](double x) { return std::nearbyint(x); });
    if (!bits.is_ok()) return bad_dtype();
    p.extrapolation_bits = *bits;
  } else if (dtype == DType::kFloat32 || dtype == DType::kFloat16) {
    p.kind = *to_scalar_kind(dtype);
  } else {
    return bad_dtype();
  }
  for (int d = 0; d < p.rank; ++d) {
    const size_t i = static_cast<size_t>(d);
    kernels::ResizeAxis& a = p.axes[d];
    a.in_len = in_dims[i];
    a.out_len = out_dims[i];
    a.scale = g.scales[i];
    a.roi_start = g.roi_start[i];
    a.roi_end = g.roi_end[i];
    a.identity = kernels::resize_axis_is_identity(p, a);
  }
  return p;
}

Status run_resize(GpuKernelContext& ctx) {
  const ResizeInputs which = resize_inputs(ctx.node(), ctx.opset());
  static constexpr const char* kWhat[3] = {"roi", "scales", "sizes"};
  const Tensor* host[3] = {nullptr, nullptr, nullptr};
  const int index[3] = {which.roi, which.scales, which.sizes};
  for (int k = 0; k < 3; ++k)
    if (index[k] >= 0 && ctx.has_input(static_cast<size_t>(index[k]))) {
      FOVEA_ASSIGN_OR_RETURN(host[k], ctx.require_host_value(static_cast<size_t>(index[k]), kWhat[k]));
    }
  const DeviceTensor& in = ctx.input(0);
  DeviceTensor& out = ctx.output(0);
  FOVEA_ASSIGN_OR_RETURN(kernels::ResizeParams p, make_resize_params(ctx.node(), ctx.opset(), in.dtype, in.dims,
                                                                     out.dims, host[0], host[1], host[2]));
  if (out.numel() == 0) return Status::ok();
  if (in.numel() == 0) return ctx.error("cannot resize an empty input to a non-empty output");
  return launch_status(ctx, kernels::launch_resize(p, in.data, out.data, ctx.stream()), "launch_resize");
}

}  // namespace fovea::cuda
