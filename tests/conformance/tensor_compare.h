// Output comparison with the ONNX backend tests' tolerance (numpy.testing.assert_allclose):
// |actual - expected| <= atol + rtol * |expected|; NaN equals NaN; integers and bools exact.
#pragma once

#include <string>

#include "core/tensor.h"

namespace fovea::conformance {

struct Tolerance {
  double rtol = 1e-3;
  double atol = 1e-7;
};

// Empty when `actual` matches `expected`; otherwise a description of the first mismatch
// (index, actual and expected values, number of mismatches, largest difference).
std::string compare_tensors(const Tensor& actual, const Tensor& expected, const Tolerance& tol = {});

}  // namespace fovea::conformance
