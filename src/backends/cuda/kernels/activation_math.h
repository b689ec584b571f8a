// The activations fused into conv/gemm epilogues (docs/fused-ops.md), as one host/device
// function so host unit tests check the same code the kernels run. Framework-free.
#pragma once

#include <math.h>

#ifdef __CUDACC__
#define FOVEA_ACTIVATION_FN __host__ __device__ __forceinline__
#else
#define FOVEA_ACTIVATION_FN inline
#endif

namespace fovea::cuda::kernels {

enum class Activation { kNone, kRelu, kLeakyRelu, kSigmoid, kSiLU, kHardSwish, kHardSigmoid, kClip, kTanh };

struct ActivationParams {
  Activation kind = Activation::kNone;
  float alpha = 0.0f;  // LeakyRelu slope, Clip minimum, HardSigmoid alpha
  float beta = 0.0f;   // Clip maximum, HardSigmoid beta
};

FOVEA_ACTIVATION_FN float apply_activation(const ActivationParams& a, float v) {
  switch (a.kind) {
    case Activation::kNone: return v;
    case Activation::kRelu: return v < 0.0f ? 0.0f : v;  // NaN passes through, as the CPU kernel
    case Activation::kLeakyRelu: return v < 0.0f ? a.alpha * v : v;
    case Activation::kSigmoid: return 1.0f / (1.0f + expf(-v));
    case Activation::kSiLU: return v / (1.0f + expf(-v));
    // ONNX HardSwish: x * max(0, min(1, x / 6 + 0.5)).
    case Activation::kHardSwish: return v * fminf(fmaxf(v * (1.0f / 6.0f) + 0.5f, 0.0f), 1.0f);
    case Activation::kHardSigmoid: return fminf(fmaxf(a.alpha * v + a.beta, 0.0f), 1.0f);
    // Written as comparisons (not fminf/fmaxf) so that NaN propagates as ONNX Clip does.
    case Activation::kClip: return v < a.alpha ? a.alpha : (v > a.beta ? a.beta : v);
    case Activation::kTanh: return tanhf(v);
  }
  return v;
}

}  // namespace fovea::cuda::kernels
