// Launcher of the classification decoder: per row of [B, C] scores, softmax (unless the inputs
// are probabilities) and the top k classes, ordered like the CPU reference (probability
// descending, NaN last, equal probabilities by lower id). One block per row. Framework-free.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

namespace fovea::vision::kernels {

struct ClassificationDecodeParams {
  int64_t batch = 0;
  int64_t classes = 0;
  int k = 1;                  // 1 <= k <= classes
  bool fp16 = false;          // scores are __half (else float)
  bool inputs_are_probabilities = false;
};

struct ClassificationDecodeBuffers {
  const void* scores = nullptr;  // [batch, classes]
  float* probs = nullptr;        // workspace [batch, classes]
  int* top_ids = nullptr;        // [batch, k]
  float* top_probs = nullptr;    // [batch, k]
};

cudaError_t launch_classification_decode(const ClassificationDecodeParams& params,
                                         const ClassificationDecodeBuffers& buffers, cudaStream_t stream);

}  // namespace fovea::vision::kernels
