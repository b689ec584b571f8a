#include "backends/cuda/cuda_check.h"

#include <cublasLt.h>
#include <cudnn.h>

namespace fovea::cuda {

Status cuda_status(cudaError_t e, const char* what) {
  return internal_error("CUDA error in {}: {} ({})", what, cudaGetErrorString(e), cudaGetErrorName(e));
}

Status cudnn_status(int cudnn_error, const char* what) {
  return internal_error("cuDNN error in {}: {}", what, cudnnGetErrorString(static_cast<cudnnStatus_t>(cudnn_error)));
}

Status cublas_status(int cublas_error, const char* what) {
  return internal_error("cuBLAS error in {}: {}", what, cublasLtGetStatusString(static_cast<cublasStatus_t>(cublas_error)));
}

}  // namespace fovea::cuda
