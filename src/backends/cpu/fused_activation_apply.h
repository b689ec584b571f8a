// In-place epilogues of the fused CPU kernels: y = act(y) with the activation of
// ops/fused_activation.h, and y += z for residuals. The formulas are the ones of the unfused
// CPU kernels (activations.cpp), so a fused graph matches the unfused one to rounding.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "backends/cpu/broadcast_loop.h"
#include "backends/cpu/vector_math.h"
#include "ops/fused_activation.h"

namespace fovea::cpu {

template <typename T>
T fused_sigmoid(T x) {
  if constexpr (std::is_same_v<T, float>) return sigmoid_float(x);  // as run_sigmoid does for float32
  else return T(1) / (T(1) + std::exp(-x));
}

// y[i] = act(y[i]) for i < n.
template <typename T>
void apply_fused_activation(const FusedActivation& act, T* y, int64_t n) {
  const T alpha = static_cast<T>(act.alpha), beta = static_cast<T>(act.beta);
  switch (act.kind) {
    case FusedActivationKind::kNone: return;
    case FusedActivationKind::kRelu: unary_map(y, y, n, [](T x) { return x < T(0) ? T(0) : x; }); return;
    case FusedActivationKind::kLeakyRelu: unary_map(y, y, n, [alpha](T x) { return x < T(0) ? alpha * x : x; }); return;
    case FusedActivationKind::kSigmoid: unary_map(y, y, n, [](T x) { return fused_sigmoid(x); }); return;
    case FusedActivationKind::kSiLU: unary_map(y, y, n, [](T x) { return x * fused_sigmoid(x); }); return;
    case FusedActivationKind::kHardSwish:
      unary_map(y, y, n, [](T x) { return x * std::max(T(0), std::min(T(1), x * T(1.0 / 6.0) + T(0.5))); });
      return;
    case FusedActivationKind::kHardSigmoid:
      unary_map(y, y, n, [alpha, beta](T x) { return std::max(T(0), std::min(T(1), alpha * x + beta)); });
      return;
    case FusedActivationKind::kClip:
      unary_map(y, y, n, [alpha, beta](T x) {
        x = x < alpha ? alpha : x;
        return x > beta ? beta : x;
      });
      return;
    case FusedActivationKind::kTanh: unary_map(y, y, n, [](T x) { return std::tanh(x); }); return;
  }
}

// y[i] += z[i] for i < n.
template <typename T>
void add_in_place(T* y, const T* z, int64_t n) {
#pragma omp parallel for schedule(static) if (worth_parallel(n))
  for (int64_t i = 0; i < n; ++i) y[i] += z[i];
}

}  // namespace fovea::cpu
