// How far one run's outputs are from a reference's: max abs, max relative (to the reference's
// largest magnitude), cosine similarity, and the pass rule for each precision.
#pragma once

#include <string>

#include "core/status.h"
#include "core/tensor.h"
#include "engine/build_config.h"

namespace fovea::cli {

struct OutputComparison {
  std::string name;
  double max_abs = 0;
  double max_rel = 0;   // max |a - b| / max |b|
  double cosine = 1;
  bool pass = false;
  std::string reason;   // why it failed
};

// FP32: max_rel <= 1e-3. FP16: cosine >= 0.999 and max_rel <= 2e-2. Shapes must agree.
inline constexpr double kFp32MaxRel = 1e-3;
inline constexpr double kFp16MinCosine = 0.999;
inline constexpr double kFp16MaxRel = 2e-2;

OutputComparison compare_outputs(const std::string& name, const Tensor& got, const Tensor& reference,
                                 Precision precision);

}  // namespace fovea::cli
