// Classification decoder on the GPU: softmax (unless the model outputs probabilities) and top-k
// per row, one block per row; only the top-k (id, probability) pairs come to the host. Equal to
// the CPU reference vision::decode_classification: same ids in the same order (ties: lower id
// first, NaN last), probabilities within 1e-6 relative.
#pragma once

#include <cuda_runtime.h>

#include <string>
#include <vector>

#include "backends/cuda/gpu_kernel.h"
#include "core/status.h"
#include "vision/classification_decoder.h"

namespace fovea::vision::cuda {

// `output` is a device tensor [B, C] or [B, C, 1, 1], float32 or float16. Enqueues on `stream`
// and synchronizes it before returning.
Result<std::vector<std::vector<ClassScore>>> decode_classification_device(const fovea::cuda::DeviceTensor& output,
                                                                          const ClassificationParams& params,
                                                                          cudaStream_t stream,
                                                                          const std::string& name = "output");

}  // namespace fovea::vision::cuda
