// Conv: im2col + GEMM (OpenBLAS) in row tiles, bias fused; 1x1 stride-1 convs read the input directly;
// depthwise 2-D is a direct loop. Timings and what was tried: docs/cpu-performance.md.
#include <omp.h>

#include <algorithm>
#include <vector>

#include "backends/cpu/blas_gemm.h"
#include "backends/cpu/channel_bias.h"
#include "backends/cpu/float16_via_float32.h"
#include "backends/cpu/im2col.h"
#include "backends/cpu/kernels.h"
#include "ops/conv_params.h"

namespace fovea::cpu {
namespace {

// Depthwise 2-D (one input channel per group): out channel m reads input channel m / multiplier.
template <typename T>
void depthwise_conv2d(const T* x, const T* w, T* y, int64_t n, int64_t channels, int64_t out_channels,
                      const ConvGeometry& g) {
  const int64_t ih = g.in[0], iw = g.in[1], oh = g.out[0], ow = g.out[1];
  const int64_t kh = g.kernel[0], kw = g.kernel[1];
  const int64_t sh = g.strides[0], sw = g.strides[1], dh = g.dilations[0], dw = g.dilations[1];
  const int64_t ph = g.pads_begin[0], pw = g.pads_begin[1];
  const int64_t mult = out_channels / channels;
#pragma omp parallel for schedule(static)
  for (int64_t nm = 0; nm < n * out_channels; ++nm) {
    const int64_t b = nm / out_channels, m = nm % out_channels;
    const T* xc = x + (b * channels + m / mult) * ih * iw;
    const T* wm = w + m * kh * kw;
    T* yc = y + nm * oh * ow;
    for (int64_t oy = 0; oy < oh; ++oy) {
      for (int64_t ox = 0; ox < ow; ++ox) {
        T acc = 0;
        for (int64_t i = 0; i < kh; ++i) {
          const int64_t yy = oy * sh - ph + i * dh;
          if (yy < 0 || yy >= ih) continue;
          const T* row = xc + yy * iw;
          for (int64_t j = 0; j < kw; ++j) {
            const int64_t xx = ox * sw - pw + j * dw;
            if (xx >= 0 && xx < iw) acc += row[xx] * wm[i * kw + j];
          }
        }
        yc[oy * ow + ox] = acc;
      }
    }
  }
}

// Bytes of one tile's column block (im2col rows x tile columns): small enough to stay in L2 between
// im2col and the GEMM that consumes it.
constexpr int64_t kTileBytes = int64_t{256} << 10;
// Fewer columns than this per GEMM call wastes time in OpenBLAS's per-call packing of the weights.
constexpr int64_t kMinTileColumns = 512;

// A per-thread scratch buffer kept across calls: no allocation, zeroing or page faults per tile.
template <typename T>
T* thread_scratch(size_t elems) {
  thread_local std::vector<T> buf;
  if (buf.size() < elems) buf.resize(elems);
  return buf.data();
}

// Convolution as GEMM in tiles of whole output rows (first spatial dim): one job per (image, group,
// tile), all in one parallel region. Each job builds its im2col block in a thread-local buffer (or,
// for a pointwise conv, reads the input directly), writes the bias into its output tile and runs a
// single-threaded GEMM with beta = 1 while the block is still in cache.
template <typename T>
Status conv_gemm(const T* x, const T* w, const T* bias, T* y, int64_t n, int64_t c, int64_t m, int64_t group,
                 const ConvGeometry& g, bool pointwise) {
  const int64_t cg = c / group, mg = m / group;
  const int64_t ksize = element_count(g.kernel), in_size = element_count(g.in), out_size = element_count(g.out);
  const int64_t kdim = cg * ksize;  // GEMM K
  const int64_t out_rows = g.out[0];
  const int64_t row_cols = out_size / out_rows;  // columns per output row of the first spatial dim
  const int64_t tile_cols = std::max(kMinTileColumns, kTileBytes / static_cast<int64_t>(sizeof(T) * std::max<int64_t>(kdim, 1)));
  int64_t rows_per_tile = std::clamp<int64_t>(tile_cols / std::max<int64_t>(row_cols, 1), 1, out_rows);
  // Enough jobs for every thread: small maps (20x20) are split across threads too.
  const int64_t threads = omp_get_max_threads();
  const int64_t planes = n * group;
  if (planes * ((out_rows + rows_per_tile - 1) / rows_per_tile) < threads) {
    const int64_t per_plane = (threads + planes - 1) / planes;
    rows_per_tile = std::max<int64_t>(1, (out_rows + per_plane - 1) / per_plane);
  }
  const int64_t tiles = (out_rows + rows_per_tile - 1) / rows_per_tile;
  FOVEA_ASSIGN_OR_RETURN(int64_t col_elems,
                         checked_element_count(Dims{pointwise ? 1 : kdim, rows_per_tile * row_cols}, sizeof(T)));
  const int64_t jobs = planes * tiles;
#pragma omp parallel if (jobs > 1)
  {
    T* col = pointwise ? nullptr : thread_scratch<T>(static_cast<size_t>(col_elems));
#pragma omp for schedule(dynamic)
    for (int64_t job = 0; job < jobs; ++job) {
      const int64_t tile = job % tiles, gi = (job / tiles) % group, b = job / (tiles * group);
      const int64_t r0 = tile * rows_per_tile, r1 = std::min(out_rows, r0 + rows_per_tile);
      const int64_t cols = (r1 - r0) * row_cols;
      const T* xg = x + (b * c + gi * cg) * in_size;
      const T* bmat = xg + r0 * row_cols;  // pointwise: the input itself, ldb = out_size
      int64_t ldb = out_size;
      if (!pointwise) {
        // The tile as a convolution of its own: fewer output rows, begin pad shifted by r0 strides.
        ConvGeometry tg = g;
        tg.out[0] = r1 - r0;
        tg.pads_begin[0] = g.pads_begin[0] - r0 * g.strides[0];
        im2col(xg, cg, tg, col, /*parallel=*/false);
        bmat = col;
        ldb = cols;
      }
      T* yt = y + (b * m + gi * mg) * out_size + r0 * row_cols;
      if (bias)
        for (int64_t i = 0; i < mg; ++i) std::fill(yt + i * out_size, yt + i * out_size + cols, bias[gi * mg + i]);
      blas_gemm_serial(false, false, mg, cols, kdim, T(1), w + gi * mg * kdim, kdim, bmat, ldb, bias ? T(1) : T(0),
                       yt, out_size);
    }
  }
  return Status::ok();
}

template <typename T>
Status conv(CpuKernelContext& ctx) {
  const Tensor& xt = ctx.input(0);
  const Tensor& wt = ctx.input(1);
  Tensor& yt = ctx.output(0);
  const int64_t r = static_cast<int64_t>(xt.rank()) - 2;
  FOVEA_ASSIGN_OR_RETURN(int64_t group, ctx.node().attr_int("group", 1));
  FOVEA_ASSIGN_OR_RETURN(WindowAttrs attrs, parse_window_attrs(ctx.node(), WindowKind::kConv, r,
                                                               Dims(wt.dims().begin() + 2, wt.dims().end())));
  FOVEA_ASSIGN_OR_RETURN(ResolvedWindow win, resolve_window(ctx.node(), WindowKind::kConv, attrs,
                                                            Dims(xt.dims().begin() + 2, xt.dims().end())));
  ConvGeometry g{Dims(xt.dims().begin() + 2, xt.dims().end()), win.out, attrs.kernel, attrs.strides,
                 attrs.dilations, Dims(win.pads.begin(), win.pads.begin() + r)};
  const int64_t n = xt.dim(0), c = xt.dim(1), m = wt.dim(0);
  const int64_t out_size = element_count(g.out);
  const T* x = xt.data<T>();
  const T* w = wt.data<T>();
  T* y = yt.data<T>();
  if (yt.numel() == 0) return Status::ok();

  if (c / group != 1 || group != c || r != 2) {
    bool pointwise = element_count(g.kernel) == 1;
    for (int64_t i = 0; i < r; ++i)
      pointwise = pointwise && attrs.strides[i] == 1 && win.pads[i] == 0 && win.pads[i + r] == 0;
    const T* bias = ctx.has_input(2) ? ctx.input(2).data<T>() : nullptr;
    return conv_gemm(x, w, bias, y, n, c, m, group, g, pointwise);
  }
  depthwise_conv2d(x, w, y, n, c, m, g);
  if (ctx.has_input(2)) {
    add_channel_bias(y, ctx.input(2).data<T>(), n, m, out_size);
  }
  return Status::ok();
}

}  // namespace

Status run_conv(CpuKernelContext& ctx) {
  if (has_float16_input(ctx)) return run_float16_via_float32(ctx, run_conv);  // computes in float32
  FOVEA_SWITCH_FLOAT(ctx.input(0).dtype(), T, { return conv<T>(ctx); });
  return ctx.unsupported_dtype(0);
}

}  // namespace fovea::cpu
