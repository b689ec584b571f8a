// The one-class segmentation decision "sigmoid(logit) > threshold" as a plain logit comparison.
// The CPU reference computes 1 / (1 + expf(-x)) in float with the host's libm; the device's expf
// differs from it in the last bit for some inputs, which could flip pixels next to the threshold.
// Searching the host function once for the smallest float logit that passes gives the GPU a
// comparison that decides every pixel exactly as the CPU does (the host function is monotone).
#pragma once

#include <optional>

namespace fovea::vision::cuda {

// The CPU reference's sigmoid, the same expression compiled the same way.
float reference_sigmoid(float x);

// The smallest non-NaN float x with reference_sigmoid(x) > threshold (every x >= it passes, every
// x below it fails, NaN never passes); nullopt when no float passes.
std::optional<float> min_logit_above_sigmoid_threshold(float threshold);

}  // namespace fovea::vision::cuda
