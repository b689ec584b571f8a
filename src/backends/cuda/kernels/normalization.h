// Launchers of BatchNormalization (inference), InstanceNormalization, LayerNormalization and
// LRN (framework-free, DESIGN.md rule 3). X/Y are kF32 or kF16; parameter tensors (scale, bias,
// mean, var) may each be kF32, kF16 or kF64. Statistics are computed in float.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "backends/cuda/kernels/scalar_kind.h"
#include "backends/cuda/kernels/strided_indexer.h"

namespace fovea::cuda::kernels {

bool normalization_supports(ScalarKind x_kind);
bool normalization_param_supports(ScalarKind param_kind);

// y = (x - mean) / sqrt(var + eps) * scale + bias with x viewed as [n, c, inner]; parameters are
// per channel, or per (channel, position) when per_channel is false (opset < 9, spatial = 0).
struct BatchNormParams {
  ScalarKind x_kind = ScalarKind::kF32;
  ScalarKind scale_kind = ScalarKind::kF32, bias_kind = ScalarKind::kF32;
  ScalarKind mean_kind = ScalarKind::kF32, var_kind = ScalarKind::kF32;
  int64_t n = 0, c = 0, inner = 0;
  bool per_channel = true;
  float epsilon = 1e-5f;
};
cudaError_t launch_batch_norm(const BatchNormParams& p, const void* x, const void* scale, const void* bias,
                              const void* mean, const void* var, void* y, cudaStream_t stream);

// Per (n, c) plane of `inner` elements: its own mean and variance, then per-channel scale/bias.
struct InstanceNormParams {
  ScalarKind x_kind = ScalarKind::kF32;
  ScalarKind scale_kind = ScalarKind::kF32, bias_kind = ScalarKind::kF32;
  int64_t n = 0, c = 0, inner = 0;
  float epsilon = 1e-5f;
};
cudaError_t launch_instance_norm(const InstanceNormParams& p, const void* x, const void* scale, const void* bias,
                                 void* y, cudaStream_t stream);

// Rows of `inner` elements (the dims from `axis` on). Scale and bias broadcast into the row's
// dims: element i of a row reads scale[scale_index.offset(i)] (identity when scale_contiguous).
// mean_out / inv_std_out (one value per row, kind stat_kind) may be null.
struct LayerNormParams {
  ScalarKind x_kind = ScalarKind::kF32;
  ScalarKind scale_kind = ScalarKind::kF32, bias_kind = ScalarKind::kF32;
  ScalarKind mean_kind = ScalarKind::kF32, inv_std_kind = ScalarKind::kF32;
  int64_t outer = 0, inner = 0;
  float epsilon = 1e-5f;
  bool scale_contiguous = true, bias_contiguous = true;
  StridedIndexer scale_index, bias_index;
};
cudaError_t launch_layer_norm(const LayerNormParams& p, const void* x, const void* scale, const void* bias, void* y,
                              void* mean_out, void* inv_std_out, cudaStream_t stream);

// y = x / (bias + alpha / size * sum of x^2 over channels [c - (size-1)/2, c + size-1-(size-1)/2])^beta
// with x viewed as [n, c, inner].
struct LrnParams {
  ScalarKind kind = ScalarKind::kF32;
  int64_t n = 0, c = 0, inner = 0, size = 1;
  float alpha = 1e-4f, beta = 0.75f, bias = 1.f;
};
cudaError_t launch_lrn(const LrnParams& p, const void* x, void* y, cudaStream_t stream);

}  // namespace fovea::cuda::kernels
