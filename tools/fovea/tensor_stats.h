// Summary numbers of a tensor for console output: min, max, mean and the first few values.
#pragma once

#include <cstdint>
#include <string>

#include "core/tensor.h"

namespace fovea::cli {

struct TensorStats {
  double min = 0;
  double max = 0;
  double mean = 0;
  int64_t nan_count = 0;  // NaNs are left out of min, max and mean
};

// Element i of any numeric, half or bool tensor as a double.
double element_as_double(const Tensor& t, int64_t i);
TensorStats compute_stats(const Tensor& t);
// "[0.1, 0.25, 3, ...]" with at most `count` values.
std::string first_values(const Tensor& t, int64_t count);

}  // namespace fovea::cli
