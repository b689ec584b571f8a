#include "vision/cuda/gpu_classification_decoder.h"

#include <algorithm>
#include <limits>

#include "backends/cuda/cuda_check.h"
#include "vision/cuda/kernels/classification_decode.h"
#include "vision/cuda/stream_ordered_buffer.h"

namespace fovea::vision::cuda {

Result<std::vector<std::vector<ClassScore>>> decode_classification_device(const fovea::cuda::DeviceTensor& output,
                                                                          const ClassificationParams& params,
                                                                          cudaStream_t stream,
                                                                          const std::string& name) {
  // The CPU reference's checks and messages, in its order.
  if (params.top_k < 1) return invalid_argument("classification top_k must be >= 1, got {}", params.top_k);
  if (!output.defined()) return invalid_argument("tensor '{}' is undefined", name);
  if (output.dtype != DType::kFloat32 && output.dtype != DType::kFloat16)
    return unsupported("tensor '{}' has dtype {}; decoders read float32 or float16", name, dtype_name(output.dtype));
  const Dims& d = output.dims;
  const bool rank2 = d.size() == 2;
  const bool rank4 = d.size() == 4 && d[2] == 1 && d[3] == 1;
  if (!(rank2 || rank4) || d[1] < 1 || d[0] < 0)
    return invalid_argument("tensor '{}' has shape {}; expected classification scores [B, C] or [B, C, 1, 1]", name,
                            dims_to_string(d));
  const int64_t batch = d[0], classes = d[1];
  if (batch == 0) return std::vector<std::vector<ClassScore>>{};
  if (output.data == nullptr) return invalid_argument("tensor '{}' has no device memory", name);
  if (classes > std::numeric_limits<int>::max() || batch > std::numeric_limits<int64_t>::max() / 8 / classes)
    return invalid_argument("tensor '{}' has shape {}; too large for the GPU classification decoder", name,
                            dims_to_string(d));
  const int k = static_cast<int>(std::min<int64_t>(params.top_k, classes));

  const size_t probs_bytes = static_cast<size_t>(batch * classes) * sizeof(float);
  const size_t top_bytes = static_cast<size_t>(batch) * k * sizeof(float);  // one array of ids, one of probs
  FOVEA_ASSIGN_OR_RETURN(StreamOrderedBuffer scratch,
                         StreamOrderedBuffer::allocate(probs_bytes + 2 * top_bytes, stream, "classification decode"));
  kernels::ClassificationDecodeParams p;
  p.batch = batch;
  p.classes = classes;
  p.k = k;
  p.fp16 = output.dtype == DType::kFloat16;
  p.inputs_are_probabilities = params.inputs_are_probabilities;
  kernels::ClassificationDecodeBuffers b;
  b.scores = output.data;
  b.probs = scratch.as<float>();
  b.top_ids = scratch.as<int>(probs_bytes);
  b.top_probs = scratch.as<float>(probs_bytes + top_bytes);
  FOVEA_CUDA_RETURN_IF_ERROR(kernels::launch_classification_decode(p, b, stream));

  std::vector<int> ids(static_cast<size_t>(batch) * k);
  std::vector<float> probs(ids.size());
  FOVEA_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(ids.data(), b.top_ids, top_bytes, cudaMemcpyDeviceToHost, stream));
  FOVEA_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(probs.data(), b.top_probs, top_bytes, cudaMemcpyDeviceToHost, stream));
  scratch.release();
  FOVEA_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream));

  std::vector<std::vector<ClassScore>> result(static_cast<size_t>(batch));
  for (int64_t row = 0; row < batch; ++row) {
    result[row].reserve(static_cast<size_t>(k));
    for (int r = 0; r < k; ++r) {
      const size_t i = static_cast<size_t>(row) * k + r;
      result[row].push_back({ids[i], probs[i]});
    }
  }
  return result;
}

}  // namespace fovea::vision::cuda
