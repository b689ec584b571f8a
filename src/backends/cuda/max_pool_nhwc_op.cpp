#include "backends/cuda/max_pool_nhwc_op.h"

#include <limits>
#include <string>

#include "backends/cuda/cuda_check.h"
#include "ops/conv_params.h"

namespace fovea::cuda {

Result<kernels::MaxPoolNhwcParams> max_pool_nhwc_params(const Node& node, const Dims& x, const Dims& y) {
  FOVEA_ASSIGN_OR_RETURN(std::string layout, node.attr_string("layout", ""));
  if (layout != "NHWC") return invalid_argument("{}: layout must be \"NHWC\", got \"{}\"", node.describe(), layout);
  if (x.size() != 4)
    return invalid_argument("{}: X must be 4-D [N,H,W,C], got {}", node.describe(), dims_to_string(x));
  for (int64_t d : x)
    if (d < 0 || d > std::numeric_limits<int>::max())
      return unsupported("{}: X dims {} exceed what the CUDA kernel takes (int32)", node.describe(), dims_to_string(x));
  FOVEA_ASSIGN_OR_RETURN(WindowAttrs a, parse_window_attrs(node, WindowKind::kPool, 2, {}));
  FOVEA_ASSIGN_OR_RETURN(ResolvedWindow w, resolve_window(node, WindowKind::kPool, a, Dims{x[1], x[2]}));
  const Dims expected{x[0], w.out[0], w.out[1], x[3]};
  if (y != expected)
    return invalid_argument("{}: output has dims {}, the pooling gives {}", node.describe(), dims_to_string(y),
                            dims_to_string(expected));
  // The kernel's window arithmetic (window starts, tap positions) stays within the padded input
  // plus one window and one stride, in int.
  for (size_t i = 0; i < 2; ++i) {
    const int64_t reach = x[i + 1] + w.pads[i] + w.pads[i + 2] + dilated_extent(a.kernel[i], a.dilations[i]) +
                          a.strides[i];
    if (reach > std::numeric_limits<int>::max())
      return unsupported("{}: spatial dim {} with its pads and window exceeds what the CUDA kernel takes (int32)",
                         node.describe(), i);
  }
  kernels::MaxPoolNhwcParams p;
  p.batch = x[0];
  p.channels = x[3];
  p.in_h = static_cast<int>(x[1]);
  p.in_w = static_cast<int>(x[2]);
  p.out_h = static_cast<int>(w.out[0]);
  p.out_w = static_cast<int>(w.out[1]);
  p.kernel_h = static_cast<int>(a.kernel[0]);
  p.kernel_w = static_cast<int>(a.kernel[1]);
  p.stride_h = static_cast<int>(a.strides[0]);
  p.stride_w = static_cast<int>(a.strides[1]);
  p.dilation_h = static_cast<int>(a.dilations[0]);
  p.dilation_w = static_cast<int>(a.dilations[1]);
  p.pad_top = static_cast<int>(w.pads[0]);
  p.pad_left = static_cast<int>(w.pads[1]);
  return p;
}

Status run_max_pool_nhwc(GpuKernelContext& ctx) {
  const DeviceTensor& x = ctx.input(0);
  if (x.dtype != DType::kFloat32 && x.dtype != DType::kFloat16) return ctx.unsupported_dtype(0);
  if (ctx.num_outputs() < 1 || !ctx.has_output(0)) return ctx.error("output 0 is missing");
  DeviceTensor& y = ctx.output(0);
  if (y.dtype != x.dtype)
    return ctx.error("output has dtype {}, X has {}", dtype_name(y.dtype), dtype_name(x.dtype));
  FOVEA_ASSIGN_OR_RETURN(kernels::MaxPoolNhwcParams p, max_pool_nhwc_params(ctx.node(), x.dims, y.dims));
  const auto kind = x.dtype == DType::kFloat16 ? kernels::ScalarKind::kF16 : kernels::ScalarKind::kF32;
  const cudaError_t e = kernels::launch_max_pool_nhwc(kind, p, x.data, y.data, ctx.stream());
  if (e != cudaSuccess) return cuda_status(e, "launch_max_pool_nhwc").with_context(ctx.node().describe());
  return Status::ok();
}

}  // namespace fovea::cuda
