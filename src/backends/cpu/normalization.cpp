// BatchNormalization (inference), InstanceNormalization and LayerNormalization. Statistics are
// accumulated in double; parameters may be float32 or float64 independently of X (opset 15).
#include <cmath>
#include <vector>

#include "backends/cpu/float16_via_float32.h"
#include "backends/cpu/kernels.h"

namespace fovea::cpu {
namespace {

std::vector<double> as_doubles(const Tensor& t) {
  std::vector<double> v(static_cast<size_t>(t.numel()));
  if (t.dtype() == DType::kFloat64) {
    for (size_t i = 0; i < v.size(); ++i) v[i] = t.data<double>()[i];
  } else {
    for (size_t i = 0; i < v.size(); ++i) v[i] = t.data<float>()[i];
  }
  return v;
}

template <typename T>
Status batch_norm(CpuKernelContext& ctx) {
  const Tensor& xt = ctx.input(0);
  FOVEA_ASSIGN_OR_RETURN(float eps, ctx.node().attr_float("epsilon", 1e-5f));
  FOVEA_ASSIGN_OR_RETURN(int64_t spatial, ctx.node().attr_int("spatial", 1));
  const std::vector<double> scale = as_doubles(ctx.input(1)), bias = as_doubles(ctx.input(2));
  const std::vector<double> mean = as_doubles(ctx.input(3)), var = as_doubles(ctx.input(4));
  const int64_t n = xt.dim(0), c = xt.dim(1);
  const int64_t inner = n * c > 0 ? xt.numel() / (n * c) : 0;
  // y = x * a + b with a, b per parameter element (per channel, or per activation when spatial=0).
  const size_t params = scale.size();
  std::vector<T> a(params), b(params);
  for (size_t i = 0; i < params; ++i) {
    const double inv = scale[i] / std::sqrt(var[i] + static_cast<double>(eps));
    a[i] = static_cast<T>(inv);
    b[i] = static_cast<T>(bias[i] - mean[i] * inv);
  }
  const T* x = xt.data<T>();
  T* y = ctx.output(0).data<T>();
  const bool per_channel = spatial != 0;
#pragma omp parallel for schedule(static)
  for (int64_t nc = 0; nc < n * c; ++nc) {
    const int64_t ch = nc % c;
    const T* xp = x + nc * inner;
    T* yp = y + nc * inner;
    if (per_channel) {
      const T av = a[ch], bv = b[ch];
      for (int64_t i = 0; i < inner; ++i) yp[i] = xp[i] * av + bv;
    } else {
      const T* ap = a.data() + ch * inner;
      const T* bp = b.data() + ch * inner;
      for (int64_t i = 0; i < inner; ++i) yp[i] = xp[i] * ap[i] + bp[i];
    }
  }
  return Status::ok();
}

template <typename T>
Status instance_norm(CpuKernelContext& ctx) {
  const Tensor& xt = ctx.input(0);
  FOVEA_ASSIGN_OR_RETURN(float eps, ctx.node().attr_float("epsilon", 1e-5f));
  const std::vector<double> scale = as_doubles(ctx.input(1)), bias = as_doubles(ctx.input(2));
  const int64_t n = xt.dim(0), c = xt.dim(1);
  const int64_t inner = n * c > 0 ? xt.numel() / (n * c) : 0;
  const T* x = xt.data<T>();
  T* y = ctx.output(0).data<T>();
#pragma omp parallel for schedule(static)
  for (int64_t nc = 0; nc < n * c; ++nc) {
    const T* xp = x + nc * inner;
    T* yp = y + nc * inner;
    double sum = 0, sq = 0;
    for (int64_t i = 0; i < inner; ++i) sum += xp[i];
    const double mean = inner > 0 ? sum / inner : 0;
    for (int64_t i = 0; i < inner; ++i) sq += (xp[i] - mean) * (xp[i] - mean);
    const double var = inner > 0 ? sq / inner : 0;
    const double a = scale[nc % c] / std::sqrt(var + eps);
    const double b = bias[nc % c] - mean * a;
    for (int64_t i = 0; i < inner; ++i) yp[i] = static_cast<T>(xp[i] * a + b);
  }
  return Status::ok();
}

// For each position of the normalized block (dims `norm`), the index into a parameter tensor
// of dims `p` broadcast (right-aligned) to `norm`.
std::vector<int64_t> broadcast_index(const Dims& norm, const Dims& p) {
  const int64_t size = element_count(norm);
  std::vector<int64_t> idx(static_cast<size_t>(size));
  const size_t off = norm.size() - p.size();
  for (int64_t f = 0; f < size; ++f) {
    int64_t rem = f, pi = 0, stride = 1;
    for (size_t d = norm.size(); d-- > 0;) {
      const int64_t coord = rem % norm[d];
      rem /= norm[d];
      if (d >= off) {
        const int64_t pd = p[d - off];
        pi += (pd == 1 ? 0 : coord) * stride;
        stride *= pd;
      }
    }
    idx[f] = pi;
  }
  return idx;
}

template <typename T>
Status layer_norm(CpuKernelContext& ctx) {
  const Tensor& xt = ctx.input(0);
  FOVEA_ASSIGN_OR_RETURN(int64_t axis, ctx.node().attr_int("axis", -1));
  FOVEA_ASSIGN_OR_RETURN(float eps, ctx.node().attr_float("epsilon", 1e-5f));
  const int64_t rank = static_cast<int64_t>(xt.rank());
  if (axis < 0) axis += rank;
  const Dims norm(xt.dims().begin() + axis, xt.dims().end());
  const int64_t inner = element_count(norm);
  const int64_t outer = element_count(Dims(xt.dims().begin(), xt.dims().begin() + axis));
  const std::vector<double> scale = as_doubles(ctx.input(1));
  const std::vector<int64_t> scale_idx = broadcast_index(norm, ctx.input(1).dims());
  std::vector<double> bias;
  std::vector<int64_t> bias_idx;
  if (ctx.has_input(2)) {
    bias = as_doubles(ctx.input(2));
    bias_idx = broadcast_index(norm, ctx.input(2).dims());
  }
  const T* x = xt.data<T>();
  T* y = ctx.output(0).data<T>();
  Tensor* mean_out = ctx.has_output(1) ? &ctx.output(1) : nullptr;
  Tensor* inv_out = ctx.has_output(2) ? &ctx.output(2) : nullptr;
  auto store = [](Tensor* t, int64_t i, double v) {
    if (!t) return;
    if (t->dtype() == DType::kFloat64) t->data<double>()[i] = v;
    else t->data<float>()[i] = static_cast<float>(v);
  };
#pragma omp parallel for schedule(static)
  for (int64_t o = 0; o < outer; ++o) {
    const T* xp = x + o * inner;
    T* yp = y + o * inner;
    double sum = 0, sq = 0;
    for (int64_t i = 0; i < inner; ++i) sum += xp[i];
    const double mean = inner > 0 ? sum / inner : 0;
    for (int64_t i = 0; i < inner; ++i) sq += (xp[i] - mean) * (xp[i] - mean);
    const double inv = 1.0 / std::sqrt((inner > 0 ? sq / inner : 0) + eps);
    for (int64_t i = 0; i < inner; ++i) {
      double v = (xp[i] - mean) * inv * scale[scale_idx[i]];
      if (!bias.empty()) v += bias[bias_idx[i]];
      yp[i] = static_cast<T>(v);
    }
    store(mean_out, o, mean);
    store(inv_out, o, inv);
  }
  return Status::ok();
}

}  // namespace

Status run_batch_normalization(CpuKernelContext& ctx) {
  if (has_float16_input(ctx)) return run_float16_via_float32(ctx, run_batch_normalization);  // computes in float32
  FOVEA_SWITCH_FLOAT(ctx.input(0).dtype(), T, { return batch_norm<T>(ctx); });
  return ctx.unsupported_dtype(0);
}

Status run_instance_normalization(CpuKernelContext& ctx) {
  if (has_float16_input(ctx)) return run_float16_via_float32(ctx, run_instance_normalization);  // computes in float32
  FOVEA_SWITCH_FLOAT(ctx.input(0).dtype(), T, { return instance_norm<T>(ctx); });
  return ctx.unsupported_dtype(0);
}

Status run_layer_normalization(CpuKernelContext& ctx) {
  if (has_float16_input(ctx)) return run_float16_via_float32(ctx, run_layer_normalization);  // computes in float32
  FOVEA_SWITCH_FLOAT(ctx.input(0).dtype(), T, { return layer_norm<T>(ctx); });
  return ctx.unsupported_dtype(0);
}

}  // namespace fovea::cpu
