// ConvTranspose: per group, col = W_g^T * X_g (OpenBLAS), then col2im scatters col into the output.
#include <vector>

#include "backends/cpu/blas_gemm.h"
#include "backends/cpu/channel_bias.h"
#include "backends/cpu/float16_via_float32.h"
#include "backends/cpu/im2col.h"
#include "backends/cpu/kernels.h"
#include "ops/conv_params.h"

namespace fovea::cpu {
namespace {

template <typename T>
Status conv_transpose(CpuKernelContext& ctx) {
  const Tensor& xt = ctx.input(0);
  const Tensor& wt = ctx.input(1);
  Tensor& yt = ctx.output(0);
  const int64_t r = static_cast<int64_t>(xt.rank()) - 2;
  FOVEA_ASSIGN_OR_RETURN(int64_t group, ctx.node().attr_int("group", 1));
  FOVEA_ASSIGN_OR_RETURN(WindowAttrs attrs, parse_window_attrs(ctx.node(), WindowKind::kConvTranspose, r,
                                                               Dims(wt.dims().begin() + 2, wt.dims().end())));
  const Dims in(xt.dims().begin() + 2, xt.dims().end());
  FOVEA_ASSIGN_OR_RETURN(ResolvedWindow win, resolve_window(ctx.node(), WindowKind::kConvTranspose, attrs, in));
  // In im2col terms the transposed conv's output is the "image" and its input the "columns".
  ConvGeometry g{win.out, in, attrs.kernel, attrs.strides, attrs.dilations, Dims(win.pads.begin(), win.pads.begin() + r)};
  const int64_t n = xt.dim(0), c = xt.dim(1);
  const int64_t cg = c / group, mg = wt.dim(1), m = mg * group;
  const int64_t ksize = element_count(g.kernel), in_size = element_count(in), out_size = element_count(win.out);
  if (yt.numel() == 0) return Status::ok();
  const T* x = xt.data<T>();
  const T* w = wt.data<T>();
  T* y = yt.data<T>();
  FOVEA_ASSIGN_OR_RETURN(int64_t col_elems, checked_element_count(Dims{mg * ksize, in_size}, sizeof(T)));
  std::vector<T> col(static_cast<size_t>(col_elems));
  for (int64_t b = 0; b < n; ++b) {
    for (int64_t gi = 0; gi < group; ++gi) {
      // W is [C, M/group, k...]: the group's rows form a [cg, mg*K] matrix.
      blas_gemm(true, false, mg * ksize, in_size, cg, T(1), w + gi * cg * mg * ksize, mg * ksize,
                x + (b * c + gi * cg) * in_size, in_size, T(0), col.data(), in_size);
      col2im(col.data(), mg, g, y + (b * m + gi * mg) * out_size);
    }
  }
  if (ctx.has_input(2)) {
    add_channel_bias(y, ctx.input(2).data<T>(), n, m, out_size);
  }
  return Status::ok();
}

}  // namespace

Status run_conv_transpose(CpuKernelContext& ctx) {
  if (has_float16_input(ctx)) return run_float16_via_float32(ctx, run_conv_transpose);  // computes in float32
  FOVEA_SWITCH_FLOAT(ctx.input(0).dtype(), T, { return conv_transpose<T>(ctx); });
  return ctx.unsupported_dtype(0);
}

}  // namespace fovea::cpu
