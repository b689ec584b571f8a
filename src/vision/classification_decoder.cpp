#include "vision/classification_decoder.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "vision/detection.h"

namespace fovea::vision {

Result<std::vector<std::vector<ClassScore>>> decode_classification(const Tensor& output,
                                                                   const ClassificationParams& params,
                                                                   const std::string& tensor_name) {
  if (params.top_k < 1) return invalid_argument("classification top_k must be >= 1, got {}", params.top_k);
  FOVEA_ASSIGN_OR_RETURN(std::vector<float> values, tensor_as_floats(output, tensor_name));
  const Dims& d = output.dims();
  const bool rank2 = d.size() == 2;
  const bool rank4 = d.size() == 4 && d[2] == 1 && d[3] == 1;
  if (!(rank2 || rank4) || d[1] < 1)
    return invalid_argument("tensor '{}' has shape {}; expected classification scores [B, C] or [B, C, 1, 1]",
                            tensor_name, dims_to_string(d));
  const int64_t batch = d[0], classes = d[1];
  const size_t k = static_cast<size_t>(std::min<int64_t>(params.top_k, classes));
  std::vector<std::vector<ClassScore>> result(static_cast<size_t>(batch));
  std::vector<float> probs(static_cast<size_t>(classes));
  std::vector<int> ids(static_cast<size_t>(classes));
  for (int64_t b = 0; b < batch; ++b) {
    const float* row = &values[b * classes];
    std::copy(row, row + classes, probs.begin());
    if (!params.inputs_are_probabilities) {
      const float max = *std::max_element(probs.begin(), probs.end());
      double sum = 0;
      for (float& p : probs) {
        p = std::exp(p - max);
        sum += p;
      }
      for (float& p : probs) p = static_cast<float>(p / sum);
    }
    std::iota(ids.begin(), ids.end(), 0);
    // Higher probability first, NaN last; ties keep the lower id first (stable sort).
    std::stable_sort(ids.begin(), ids.end(), [&](int a, int c) {
      return !std::isnan(probs[a]) && (std::isnan(probs[c]) || probs[a] > probs[c]);
    });
    for (size_t i = 0; i < k; ++i) result[b].push_back({ids[i], probs[ids[i]]});
  }
  return result;
}

}  // namespace fovea::vision
