#include "vision/cuda/sigmoid_threshold.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace fovea::vision::cuda {
namespace {

// Maps floats (NaN excluded) to unsigned integers in the same order: -inf is smallest, -0 sits
// just below +0.
uint32_t ordered_key(float f) {
  const uint32_t bits = std::bit_cast<uint32_t>(f);
  return (bits & 0x80000000u) ? ~bits : bits | 0x80000000u;
}

float from_ordered_key(uint32_t key) {
  return std::bit_cast<float>((key & 0x80000000u) ? key & 0x7fffffffu : ~key);
}

bool passes(float x, float threshold) { return reference_sigmoid(x) > threshold; }

}  // namespace

float reference_sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

std::optional<float> min_logit_above_sigmoid_threshold(float threshold) {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  if (!passes(kInf, threshold)) return std::nullopt;  // NaN thresholds land here too
  uint32_t lo = ordered_key(-kInf), hi = ordered_key(kInf);  // invariant: passes(hi)
  if (passes(-kInf, threshold)) return -kInf;
  while (hi - lo > 1) {  // invariant: !passes(lo)
    const uint32_t mid = lo + (hi - lo) / 2;
    if (passes(from_ordered_key(mid), threshold)) hi = mid;
    else lo = mid;
  }
  return from_ordered_key(hi);
}

}  // namespace fovea::vision::cuda
